import { openAsBlob } from 'node:fs';
import path from 'node:path';
import {
  generateBoxIdentity,
  rawPublicKeyB64u,
  signBoxRequest,
  type BoxIdentity,
} from '@jukebox/crypto';
import { runFfmpeg } from '@jukebox/media';
import sharp from 'sharp';
import { newBoxId } from '../../boxes/service.js';
import type { CallResult, TestServer } from '../../test-support/server.js';

/*
 * Helpers for the content tests: media fixtures made with real ffmpeg and sharp (like
 * packages/media's ingest fixtures, short so tests stay quick), multipart uploads, and boxes
 * enrolled straight into the database with real key pairs, whose requests are really signed.
 */

/** A tagged MP3 (44.1 kHz stereo, LAME header) of pink noise; `seed` makes distinct bytes. */
export async function makeMp3(
  file: string,
  opts: { seconds?: number; seed?: number; tags?: Record<string, string> } = {},
): Promise<string> {
  const tags = Object.entries(opts.tags ?? {}).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=r=44100:a=0.2:c=pink:seed=${opts.seed ?? 7}:d=${opts.seconds ?? 2}`,
    '-ac',
    '2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    ...tags,
    '-id3v2_version',
    '4',
    '-write_xing',
    '1',
    '-y',
    file,
  ]);
  return file;
}

/** A square JPEG (or PNG) of one colour. */
export function makeImage(size = 320, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: '#c03020' } })
    .toFormat(format)
    .toBuffer();
}

export interface UploadInit {
  audio?: string | { data: Buffer; name: string };
  cover?: string | { data: Buffer; name: string };
  metadata?: string | object;
  /** Extra text parts (to test refusals). */
  fields?: Record<string, string>;
}

async function filePart(value: string | { data: Buffer; name: string }): Promise<[Blob, string]> {
  if (typeof value === 'string') return [await openAsBlob(value), path.basename(value)];
  return [new Blob([new Uint8Array(value.data)]), value.name];
}

/** Sends a multipart request and returns status, parsed body and headers. */
export async function sendMultipart(
  t: TestServer,
  urlPath: string,
  token: string,
  parts: Record<string, string | { data: Buffer; name: string } | { file: string }>,
): Promise<CallResult> {
  const form = new FormData();
  for (const [name, value] of Object.entries(parts)) {
    if (typeof value === 'string') form.append(name, value);
    else if ('file' in value) form.append(name, ...(await filePart(value.file)));
    else form.append(name, ...(await filePart(value)));
  }
  const res = await fetch(t.url + urlPath, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

/** Uploads a track through the API. */
export async function uploadTrack(
  t: TestServer,
  token: string,
  init: UploadInit,
): Promise<CallResult> {
  const parts: Record<string, string | { data: Buffer; name: string } | { file: string }> = {};
  if (init.audio !== undefined) {
    parts.audio = typeof init.audio === 'string' ? { file: init.audio } : init.audio;
  }
  if (init.cover !== undefined) {
    parts.cover = typeof init.cover === 'string' ? { file: init.cover } : init.cover;
  }
  if (init.metadata !== undefined) {
    parts.metadata =
      typeof init.metadata === 'string' ? init.metadata : JSON.stringify(init.metadata);
  }
  Object.assign(parts, init.fields ?? {});
  return sendMultipart(t, '/api/v1/catalog/tracks', token, parts);
}

export interface TestBox {
  id: string;
  identity: BoxIdentity;
  /** A signed GET as this box; `pathAndQuery` is what is signed and requested. */
  get(pathAndQuery: string, headers?: Record<string, string>): Promise<Response>;
  /** A signed body-less request with any method (HEAD, …). */
  request(
    method: string,
    pathAndQuery: string,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

/**
 * A box enrolled directly in the database (row in `boxes`, keys in `box_keys`), as enrollment
 * would leave it, with a fresh identity whose key signs its requests.
 */
export async function addTestBox(
  t: TestServer,
  opts: { routeId?: number | null } = {},
): Promise<TestBox> {
  const ctx = t.server.context;
  const identity = generateBoxIdentity();
  const id = newBoxId();
  const now = t.clock.now();
  await ctx.db
    .insertInto('boxes')
    .values({
      id,
      name: id,
      route_id: opts.routeId ?? null,
      status: 'active',
      created_at: now,
      revoked_at: null,
    })
    .execute();
  await ctx.db
    .insertInto('box_keys')
    .values({
      box_id: id,
      signing_public_key: rawPublicKeyB64u(identity.signing.publicKey),
      agreement_public_key: rawPublicKeyB64u(identity.agreement.publicKey),
      enrolled_at: now,
      enrollment_code_id: null,
    })
    .execute();
  const request = (method: string, pathAndQuery: string, headers: Record<string, string> = {}) =>
    fetch(t.url + pathAndQuery, {
      method,
      headers: {
        ...signBoxRequest({
          boxId: id,
          method,
          pathAndQuery,
          privateKey: identity.signing.privateKey,
          now: t.clock.now(),
        }),
        ...headers,
      },
    });
  return {
    id,
    identity,
    request,
    get: (pathAndQuery, headers) => request('GET', pathAndQuery, headers),
  };
}
