import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test-support/server.js';
import type { CatalogTrack, UploadTrackResponse } from '../api.js';
import { makeImage, makeMp3, sendMultipart, uploadTrack } from '../test-support/content.js';

// Uploads through the real API into a real server: ffmpeg ingest, encryption into the blob
// store, the catalog rows, and every way an upload can be refused without leaving anything.

/** Every file under a folder, recursively (blob store contents, leftovers of an ingest). */
function filesUnder(dir: string, skip: string[] = []): string[] {
  let out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries) {
    if (skip.includes(e.name)) continue;
    const p = path.join(dir, e.name);
    out = e.isDirectory() ? [...out, ...filesUnder(p, skip)] : [...out, p];
  }
  return out;
}

const RIGHTS = [
  { role: 'label', name: 'Anchor Records', shareBp: 10_000 },
  { role: 'writer', name: 'A. Writer', shareBp: 6_000 },
  { role: 'writer', name: 'B. Writer', shareBp: 4_000 },
];

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`catalog ingest on ${target.dialect}`, () => {
    let t: TestServer;
    let token: string;
    let dir: string;
    let song: string;

    beforeAll(async () => {
      // A small upload limit, so "too big" can be tested with a small file, and a JSON body
      // limit below the size of the song: uploads are not bound by it.
      t = await startTestServer(target, {
        http: { bodyLimitBytes: 64 * 1024 },
        content: { maxUploadMB: 1 },
      });
      token = (await t.createStaff('curator', ['catalog-manager'])).token;
      dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-ingest-'));
      song = await makeMp3(path.join(dir, 'song.mp3'), {
        seconds: 6,
        tags: { title: 'Harbour Lights', artist: 'The Anchors', album: 'Low Tide', date: '1987' },
      });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const blobs = () => filesUnder(t.server.context.config.blobDir, ['.tmp']);
    const work = () => filesUnder(t.server.context.content.settings.workDir);
    const trackCount = async () =>
      Number(
        (
          await t.server.context.db
            .selectFrom('catalog_tracks')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    let first: CatalogTrack;

    it('ingests an MP3 with a cover and rights holders, encrypting the delivery file', async () => {
      const cover = path.join(dir, 'cover.png');
      writeFileSync(cover, await makeImage(400, 'png'));
      const res = await uploadTrack(t, token, {
        audio: song,
        cover,
        metadata: { genre: 'Sea shanty', isrc: 'us-s1z-99-00001', rightsHolders: RIGHTS },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const { track, duplicate } = res.body as UploadTrackResponse;
      first = track;
      expect(duplicate).toBe(false);
      expect(track).toMatchObject({
        title: 'Harbour Lights',
        artist: 'The Anchors',
        album: 'Low Tide',
        genre: 'Sea shanty',
        year: 1987,
        isrc: 'USS1Z9900001',
        explicit: false,
      });
      expect(track.id).toMatch(/^trk-[0-9a-f]{20}$/);
      expect(track.durationMs).toBeGreaterThan(5900);
      expect(track.durationMs).toBeLessThan(6100);
      expect(track.source.size).toBeGreaterThan(64 * 1024);
      expect(track.delivery.chunkSize).toBe(65_536);
      expect(track.covers.map((c) => c.size)).toEqual([600, 200]);
      expect(track.rightsHolders).toHaveLength(3);

      // The encrypted blob is JBX1; the preview and covers are clear; the key is sealed.
      const store = t.server.context.content.blobs;
      const head = await new Promise<Buffer>((resolve, reject) => {
        const s = store.createReadStream(track.delivery.blobSha256, { start: 0, end: 3 });
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
        s.on('error', reject);
      });
      expect(head.toString('latin1')).toBe('JBX1');
      expect(await store.stat(track.delivery.blobSha256)).toEqual({
        sha256: track.delivery.blobSha256,
        size: track.delivery.blobSize,
      });
      expect(await store.has(track.delivery.plainSha256)).toBe(false);
      const row = await t.server.context.db
        .selectFrom('catalog_tracks')
        .select('sealed_content_key')
        .where('id', '=', track.id)
        .executeTakeFirstOrThrow();
      expect(row.sealed_content_key).toMatch(/^v1\.[0-9a-f]{16}\./);
      expect(work()).toEqual([]);
    }, 60_000);

    it('serves the preview and the covers to staff', async () => {
      const preview = await fetch(t.url + first.preview.url, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(preview.status).toBe(200);
      expect(preview.headers.get('content-type')).toBe('audio/ogg');
      const bytes = Buffer.from(await preview.arrayBuffer());
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
      expect(bytes.length).toBe(first.preview.size);

      const cover = await fetch(t.url + first.covers[1]!.url, {
        headers: { authorization: `Bearer ${token}`, range: 'bytes=0-1' },
      });
      expect(cover.status).toBe(206);
      expect(Buffer.from(await cover.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8]));
      const missing = await t.call('GET', `/api/v1/catalog/tracks/${first.id}/cover/300`, {
        token,
      });
      expect(missing.status).toBe(404);
      const anonymous = await t.call('GET', first.preview.url);
      expect(anonymous.status).toBe(401);
    });

    it('returns the existing track for a repeat upload of the same bytes', async () => {
      const before = blobs().length;
      const res = await uploadTrack(t, token, { audio: song, metadata: { title: 'Another name' } });
      expect(res.status).toBe(200);
      const body = res.body as UploadTrackResponse;
      expect(body.duplicate).toBe(true);
      expect(body.track.id).toBe(first.id);
      expect(body.track.title).toBe('Harbour Lights');
      expect(await trackCount()).toBe(1);
      expect(blobs()).toHaveLength(before);
    }, 60_000);

    describe('refuses bad uploads with a 4xx and stores nothing', () => {
      const refusals: [string, () => Promise<{ status: number; body: unknown }>, number, RegExp][] =
        [
          [
            'a text file',
            () =>
              uploadTrack(t, token, {
                audio: { data: Buffer.from('just some text\n'.repeat(50)), name: 'a.mp3' },
              }),
            415,
            /not an audio file/,
          ],
          [
            'an image as audio',
            async () =>
              uploadTrack(t, token, { audio: { data: await makeImage(64), name: 'b.mp3' } }),
            415,
            /not an audio file/,
          ],
          [
            'an upload over the limit',
            () =>
              uploadTrack(t, token, {
                audio: { data: Buffer.alloc(1024 * 1024 + 10, 1), name: 'big.wav' },
              }),
            413,
            /larger than the limit/,
          ],
          [
            'metadata that is not JSON',
            () => uploadTrack(t, token, { audio: song, metadata: '{"title": ' }),
            400,
            /metadata part is not JSON/,
          ],
          [
            'metadata with an unknown field',
            () => uploadTrack(t, token, { audio: song, metadata: { titel: 'x' } }),
            400,
            /metadata/,
          ],
          [
            'rights shares that do not add up',
            () =>
              uploadTrack(t, token, {
                audio: song,
                metadata: { rightsHolders: [{ role: 'publisher', name: 'P', shareBp: 9_000 }] },
              }),
            400,
            /publisher shares add up to 9000/,
          ],
          [
            'a share out of range',
            () =>
              uploadTrack(t, token, {
                audio: song,
                metadata: { rightsHolders: [{ role: 'label', name: 'L', shareBp: 20_000 }] },
              }),
            400,
            /shareBp/,
          ],
          [
            'no audio part',
            () => uploadTrack(t, token, { metadata: {} }),
            400,
            /audio part is missing/,
          ],
          [
            'an unexpected part',
            () => uploadTrack(t, token, { audio: song, fields: { extra: 'x' } }),
            400,
            /unexpected part "extra"/,
          ],
          [
            'a cover that is not an image',
            async () => {
              const other = await makeMp3(path.join(dir, 'other.mp3'), {
                seed: 11,
                tags: { artist: 'X' },
              });
              return uploadTrack(t, token, {
                audio: other,
                cover: { data: Buffer.from('nope'), name: 'c.jpg' },
              });
            },
            400,
            /cover/,
          ],
          [
            'a file without an artist',
            async () => {
              const untagged = await makeMp3(path.join(dir, 'untagged.mp3'), { seed: 12 });
              return uploadTrack(t, token, { audio: untagged });
            },
            400,
            /no artist tag/,
          ],
          [
            'a JSON body',
            () => t.call('POST', '/api/v1/catalog/tracks', { token, body: { audio: 'x' } }),
            415,
            /multipart/,
          ],
        ];
      for (const [name, send, status, message] of refusals) {
        it(
          name,
          async () => {
            const before = { tracks: await trackCount(), blobs: blobs().length };
            const res = await send();
            expect(res.status, JSON.stringify(res.body)).toBe(status);
            expect((res.body as { error: { message: string } }).error.message).toMatch(message);
            expect(await trackCount()).toBe(before.tracks);
            expect(blobs()).toHaveLength(before.blobs);
            expect(work()).toEqual([]);
          },
          60_000,
        );
      }
    });

    it('takes the title from the file name and the artist from the metadata part', async () => {
      const untagged = await makeMp3(path.join(dir, 'Rolling Home.mp3'), { seed: 21 });
      const res = await uploadTrack(t, token, {
        audio: untagged,
        metadata: { artist: 'Deckhands', explicit: true, year: 2001 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const { track } = res.body as UploadTrackResponse;
      expect(track).toMatchObject({
        title: 'Rolling Home',
        artist: 'Deckhands',
        explicit: true,
        year: 2001,
      });
      expect(track.covers).toEqual([]);
    }, 60_000);

    it('lists, searches and pages the catalog', async () => {
      const all = await t.call('GET', '/api/v1/catalog/tracks', { token });
      expect(all.status).toBe(200);
      const body = all.body as { tracks: CatalogTrack[]; total: number };
      expect(body.total).toBe(2);
      expect(body.tracks.map((x) => x.artist)).toEqual(['Deckhands', 'The Anchors']);
      const found = await t.call('GET', '/api/v1/catalog/tracks?q=HARBOUR', { token });
      expect((found.body as { tracks: CatalogTrack[] }).tracks.map((x) => x.id)).toEqual([
        first.id,
      ]);
      const wildcard = await t.call('GET', '/api/v1/catalog/tracks?q=%25', { token });
      expect((wildcard.body as { total: number }).total).toBe(0);
      const page = await t.call('GET', '/api/v1/catalog/tracks?limit=1&offset=1', { token });
      expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect((page.body as { tracks: CatalogTrack[] }).tracks.map((x) => x.artist)).toEqual([
        'The Anchors',
      ]);
      const bad = await t.call('GET', '/api/v1/catalog/tracks?limit=0', { token });
      expect(bad.status).toBe(400);
    });

    it('edits metadata and rights holders, refusing bad shares and leaving the track as it was', async () => {
      const url = `/api/v1/catalog/tracks/${first.id}`;
      const ok = await t.call('PATCH', url, {
        token,
        body: {
          title: 'Harbour Lights (remastered)',
          album: null,
          rightsHolders: [{ role: 'publisher', name: 'Pier Music', shareBp: 10_000 }],
        },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body).toMatchObject({
        title: 'Harbour Lights (remastered)',
        album: null,
        rightsHolders: [{ role: 'publisher', name: 'Pier Music', shareBp: 10_000 }],
      });
      for (const body of [
        { rightsHolders: [{ role: 'writer', name: 'W', shareBp: 5_000 }] },
        { rightsHolders: [{ role: 'composer', name: 'W', shareBp: 10_000 }] },
        { isrc: 'not an isrc' },
        { year: 99 },
        { title: '' },
        { title: 'x'.repeat(301) },
      ]) {
        const res = await t.call('PATCH', url, { token, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      const after = await t.call('GET', url, { token });
      expect(after.body).toMatchObject({
        title: 'Harbour Lights (remastered)',
        rightsHolders: [{ role: 'publisher', name: 'Pier Music', shareBp: 10_000 }],
      });
      expect(
        (
          await t.call('PATCH', '/api/v1/catalog/tracks/trk-00000000000000000000', {
            token,
            body: {},
          })
        ).status,
      ).toBe(404);
    });

    it('keeps the catalog to catalog managers and admins', async () => {
      const tech = await t.createStaff('tech', ['technician']);
      expect((await uploadTrack(t, tech.token, { audio: song })).status).toBe(403);
      expect((await t.call('GET', '/api/v1/catalog/tracks', { token: tech.token })).status).toBe(
        403,
      );
      expect((await t.call('GET', '/api/v1/catalog/tracks', { token: t.adminToken })).status).toBe(
        200,
      );
      const anonymous = await fetch(`${t.url}/api/v1/catalog/tracks`, {
        method: 'POST',
        body: new FormData(),
      });
      expect(anonymous.status).toBe(401);
    });

    it('stores graphics (JPEG, PNG, WebP only)', async () => {
      const png = await makeImage(64, 'png');
      const res = await sendMultipart(t, '/api/v1/graphics', token, {
        file: { data: png, name: 'slide.png' },
        kind: 'attract',
        name: 'Happy hour slide',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'attract',
        name: 'Happy hour slide',
        mimeType: 'image/png',
        size: png.length,
      });
      const before = blobs().length;
      for (const [parts, status] of [
        [
          { file: { data: Buffer.from('GIF89a....'), name: 'x.gif' }, kind: 'skin', name: 'n' },
          415,
        ],
        [{ file: { data: png, name: 'x.png' }, kind: 'poster', name: 'n' }, 400],
        [{ file: { data: png, name: 'x.png' }, kind: 'skin' }, 400],
        [{ kind: 'skin', name: 'n' }, 400],
      ] as const) {
        const r = await sendMultipart(t, '/api/v1/graphics', token, parts);
        expect(r.status, JSON.stringify(r.body)).toBe(status);
      }
      expect(blobs()).toHaveLength(before);
      const list = await t.call('GET', '/api/v1/graphics', { token });
      expect((list.body as { graphics: unknown[] }).graphics).toHaveLength(1);
    });
  });
}
