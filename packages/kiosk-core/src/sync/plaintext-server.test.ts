import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encryptFile, generateContentKey } from '@jukebox/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaintextServer } from './plaintext-server.js';

let dir: string;
let blobFile: string;
const plain = randomBytes(200_000);
const key = generateContentKey();
const server = new PlaintextServer();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kc-plain-'));
  writeFileSync(path.join(dir, 'plain'), plain);
  blobFile = path.join(dir, 'blob');
  await encryptFile(path.join(dir, 'plain'), blobFile, key, { chunkSize: 4096 });
  await server.start();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, range?: string) =>
  fetch(url, range === undefined ? {} : { headers: { range } });

describe('PlaintextServer', () => {
  it('serves the decrypted bytes, whole or by range, and refuses an impossible range', async () => {
    const url = server.register(blobFile, key, 60_000);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    const whole = await get(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(plain)).toBe(true);
    const cases: [string, number, number][] = [
      ['bytes=0-0', 0, 1],
      ['bytes=5000-9000', 5000, 9001],
      ['bytes=199990-', 199_990, 200_000],
      ['bytes=-16', 200_000 - 16, 200_000],
      ['bytes=100-999999', 100, 200_000],
    ];
    for (const [range, from, to] of cases) {
      const res = await get(url, range);
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range'), range).toBe(`bytes ${from}-${to - 1}/200000`);
      expect(Buffer.from(await res.arrayBuffer()).equals(plain.subarray(from, to)), range).toBe(
        true,
      );
    }
    expect((await get(url, 'bytes=200000-')).status).toBe(416);
  });

  it('forgets a released or unknown URL', async () => {
    const url = server.register(blobFile, key, 60_000);
    server.release(url);
    expect((await get(url)).status).toBe(404);
    expect((await get(url.replace(/\/[^/]+$/, '/nope'))).status).toBe(404);
  });

  it('never sends bytes of a tampered chunk', async () => {
    const bad = path.join(dir, 'bad');
    const bytes = readFileSync(blobFile);
    bytes[22 + 4096 + 16 + 100]! ^= 1; // inside the second chunk
    writeFileSync(bad, bytes);
    const url = server.register(bad, key, 60_000);
    const first = await get(url, 'bytes=0-4095');
    expect(Buffer.from(await first.arrayBuffer()).equals(plain.subarray(0, 4096))).toBe(true);
    // The connection is dropped before any byte of the damaged chunk goes out.
    await expect(get(url, 'bytes=4096-8191').then((r) => r.arrayBuffer())).rejects.toThrow();
  });
});
