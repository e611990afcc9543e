import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_CHUNK, BODY_CHUNKS_IN_FLIGHT, sendFileBody } from './file-body.js';

// sendFileBody under a plain node:http server: the bytes of every range, a file that is
// shorter than promised, a client that goes away, and a client that reads slowly.

const CHUNK = BODY_CHUNK;
const data = randomBytes(3 * CHUNK + 12_345);
let dir: string;
let file: string;
let server: Server;
let base: string;
/** What the next request's handler saw. */
const served: {
  handle: FileHandle | null;
  res: ServerResponse | null;
  errors: Error[];
  done: Promise<void> | null;
} = { handle: null, res: null, errors: [], done: null };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-file-body-'));
  file = path.join(dir, 'blob');
  writeFileSync(file, data);
  server = createServer((req, res) => {
    const [start, end] = (req.url ?? '').slice(1).split('-').map(Number) as [number, number];
    void open(file, 'r').then((handle) => {
      served.handle = handle;
      served.res = res;
      res.writeHead(200, { 'content-length': String(end - start + 1) });
      served.done = sendFileBody(res, handle, start, end, (err) => served.errors.push(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** The body of a range, and whether it came whole. */
function fetchRange(start: number, end: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    get(`${base}/${start}-${end}`, { agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('close', () => resolve({ body: Buffer.concat(parts), complete: res.complete }));
    }).on('error', reject);
  });
}

describe('sendFileBody', () => {
  it('sends exactly the bytes of a range, across chunk boundaries, and closes the file', async () => {
    const ranges: [number, number][] = [
      [0, data.length - 1],
      [0, 0],
      [CHUNK - 1, CHUNK],
      [CHUNK, 2 * CHUNK - 1],
      [1, 3 * CHUNK],
      [data.length - 10, data.length - 1],
    ];
    for (const [start, end] of ranges) {
      const got = await fetchRange(start, end);
      expect(got.complete, `${start}-${end}`).toBe(true);
      expect(got.body.equals(data.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      await served.done;
      expect(served.handle?.fd).toBe(-1);
    }
    expect(served.errors).toEqual([]);
  });

  it('answers many at once with the right bytes each (chunks are reused, never shared)', async () => {
    const all = await Promise.all(
      Array.from({ length: 12 }, (_, i) => fetchRange(i * 1000, data.length - 1 - i)),
    );
    all.forEach((got, i) =>
      expect(got.body.equals(data.subarray(i * 1000, data.length - i)), `request ${i}`).toBe(true),
    );
  });

  it('cuts the answer when the file is shorter than the range, and says why', async () => {
    const short = path.join(dir, 'short');
    writeFileSync(short, data);
    const saved = file;
    file = short;
    truncateSync(short, CHUNK + 100);
    try {
      const got = await fetchRange(0, data.length - 1);
      expect(got.complete).toBe(false);
      expect(got.body.equals(data.subarray(0, got.body.length))).toBe(true);
      await served.done;
      expect(served.errors.map((e) => e.message)).toEqual([
        `the file ended at byte ${CHUNK + 100}, before ${data.length}`,
      ]);
      expect(served.handle?.fd).toBe(-1);
    } finally {
      file = saved;
      served.errors.length = 0;
    }
  });

  it('stops and closes the file when the client goes away, and holds only a few chunks for a slow one', async () => {
    const big = path.join(dir, 'big');
    writeFileSync(big, Buffer.alloc(24 * CHUNK, 7));
    const saved = file;
    file = big;
    try {
      await new Promise<void>((resolve, reject) => {
        get(`${base}/0-${24 * CHUNK - 1}`, { agent: false }, (res) => {
          // Read nothing for a while: the server must not read the whole file into memory.
          res.pause();
          setTimeout(() => {
            const res2 = served.res!;
            expect(res2.writableLength).toBeLessThanOrEqual(BODY_CHUNKS_IN_FLIGHT * CHUNK);
            res.destroy();
            resolve();
          }, 300);
        }).on('error', reject);
      });
      await served.done;
      expect(served.handle?.fd).toBe(-1);
      expect(served.errors).toEqual([]);
    } finally {
      file = saved;
    }
  });
});
