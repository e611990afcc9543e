import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreHandle } from '@jukebox/kiosk-core';
import { kioskState, statusResponse } from '@jukebox/protocol';
import { connect, startTestCore, tempDir, tone } from './support.js';

// The core's local surfaces (status JSON, covers, the kiosk WebSocket) against malformed and
// hostile input: each gets a clear refusal, and the core keeps serving.
const tmp = tempDir('api');
let core: CoreHandle;

beforeAll(async () => {
  const music = path.join(tmp.dir, 'music');
  mkdirSync(music);
  tone(path.join(music, 'one.mp3'), 1, { title: 'One', artist: 'Solo' });
  ({ core } = await startTestCore(
    {
      dataDir: path.join(tmp.dir, 'data'),
      library: { importDirs: [music] },
      audio: { sink: { kind: 'null', pace: 0 } },
    },
    tmp.dir,
  ));
  await core.ready;
});
afterAll(async () => {
  await core?.close();
  tmp.cleanup();
});

describe('GET /api/v1/status', () => {
  it('returns JSON that matches the documented schema', async () => {
    const res = await fetch(`${core.url}/api/v1/status`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = statusResponse.parse(await res.json());
    expect(body.library.tracks).toBe(1);
    expect(body.credits).toBe(0);
  });
});

describe('GET /media/covers/:id', () => {
  it('refuses an id that is not a SHA-256 and 404s an unknown one', async () => {
    expect((await fetch(`${core.url}/media/covers/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
    expect((await fetch(`${core.url}/media/covers/${'a'.repeat(64)}`)).status).toBe(404);
  });
});

describe('kiosk WebSocket', () => {
  it('answers a good call and pushes state', async () => {
    const c = await connect(core.url);
    const r = (await c.call('getState')) as { ok: boolean; value: unknown };
    expect(r.ok).toBe(true);
    kioskState.parse(r.value);
    c.close();
  });

  it('refuses unknown methods and bad params with bad_request, and goes on', async () => {
    const c = await connect(core.url);
    expect(await c.call('dropTables')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await c.call('__proto__')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await c.call('enqueue', { trackId: 'DROP' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/trackId/) },
    });
    expect(await c.call('enqueue', { trackId: 424242 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await c.call('search', { query: '"*) OR NEAR(' })).toMatchObject({ ok: true });
    // A jukebox is not a CD terminal: the retail calls say so, and previews are not served.
    expect(
      await c.call('placeOrder', { requestId: 'jukebox-001', title: 'x', trackIds: [1] }),
    ).toMatchObject({ ok: false, error: { code: 'unavailable', message: /not a retail/ } });
    expect(await c.call('quoteDisc', { trackIds: [1] })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    expect((await fetch(`${core.url}/media/previews/1`)).status).toBe(404);
    expect(await c.call('getState')).toMatchObject({ ok: true });
    c.close();
  });

  it.each([
    ['not JSON', 'hello', 1007],
    ['JSON that is not a request', JSON.stringify({ type: 'response', id: 1 }), 1007],
    ['a binary frame', Buffer.from([1, 2, 3]), 1003],
    ['an oversized frame', 'x'.repeat(70 * 1024), 1009],
  ])('closes the socket on %s', async (_what, frame, code) => {
    const c = await connect(core.url);
    c.ws.send(frame);
    expect((await c.closed).code).toBe(code);
    // Other clients and the core are unaffected.
    expect((await fetch(`${core.url}/api/v1/health`)).status).toBe(200);
  });

  it('refuses a request whose Host is another name (DNS rebinding)', async () => {
    const http = await import('node:http');
    const port = new URL(core.url).port;
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/status',
            headers: { host: `evil.example:${port}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('refuses a page from another origin', async () => {
    const c = await connect(core.url, { origin: 'http://evil.example' });
    expect((await c.closed).code).toBe(1008);
  });
});
