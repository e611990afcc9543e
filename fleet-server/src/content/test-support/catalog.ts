import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { TestServer } from '../../test-support/server.js';
import type { CatalogTrack, ContentSetDetail, Graphic, UploadTrackResponse } from '../api.js';
import { makeImage, makeMp3, sendMultipart, uploadTrack } from './content.js';

/*
 * A small catalog made through the API for the manifest and box tests: real ingests of short
 * generated tracks, a graphic, and content sets.
 */

/** Ingests a generated track (distinct by `seed`), with a cover when asked. */
export async function ingestTestTrack(
  t: TestServer,
  token: string,
  dir: string,
  opts: { seed: number; title: string; cover?: boolean },
): Promise<CatalogTrack> {
  const audio = await makeMp3(path.join(dir, `track-${opts.seed}.mp3`), {
    seconds: 1.5,
    seed: opts.seed,
    tags: { title: opts.title, artist: 'Test Artist' },
  });
  let cover: string | undefined;
  if (opts.cover) {
    cover = path.join(dir, `cover-${opts.seed}.jpg`);
    await writeFile(cover, await makeImage(256));
  }
  const res = await uploadTrack(t, token, { audio, ...(cover ? { cover } : {}) });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as UploadTrackResponse).track;
}

export async function uploadTestGraphic(
  t: TestServer,
  token: string,
  name: string,
): Promise<Graphic> {
  const res = await sendMultipart(t, '/api/v1/graphics', token, {
    file: { data: await makeImage(48, 'png'), name: `${name}.png` },
    kind: 'attract',
    name,
  });
  if (res.status !== 201) throw new Error(`graphic: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Graphic;
}

/** Creates a set holding these items. */
export async function makeSet(
  t: TestServer,
  token: string,
  name: string,
  items: { trackIds?: string[]; graphicIds?: string[] } = {},
): Promise<ContentSetDetail> {
  const created = await t.call('POST', '/api/v1/content-sets', { token, body: { name } });
  if (created.status !== 201)
    throw new Error(`set: ${created.status} ${JSON.stringify(created.body)}`);
  const { id } = created.body as ContentSetDetail;
  const res = await t.call('PUT', `/api/v1/content-sets/${id}/items`, {
    token,
    body: { trackIds: items.trackIds ?? [], graphicIds: items.graphicIds ?? [] },
  });
  if (res.status !== 200) throw new Error(`items: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ContentSetDetail;
}
