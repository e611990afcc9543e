import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BlobIntegrityError, downloadBlob } from './blob-download.js';

const blob = randomBytes(300_000);
const sha = createHash('sha256').update(blob).digest('hex');

/** What the test server does to the next answer. */
const fresh = () => ({
  cutAfter: -1,
  flipAt: -1,
  ignoreRange: false,
  extra: 0,
  status: 0,
  /** Content-Range to send instead of the right one (null: none at all). */
  contentRange: undefined as string | null | undefined,
  /** Send the head and this many body bytes, then nothing more (the connection stays open). */
  stallAfter: -1,
});
const mode = fresh();
const seenRanges: (string | undefined)[] = [];
let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seenRanges.push(req.headers.range);
    if (mode.status) {
      res.writeHead(mode.status).end();
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m && !mode.ignoreRange ? Number(m[1]) : 0;
    let body = Buffer.concat([blob.subarray(start), Buffer.alloc(mode.extra)]);
    if (mode.flipAt >= start) {
      body = Buffer.from(body);
      body[mode.flipAt - start]! ^= 0x01;
    }
    const partial = m !== null && !mode.ignoreRange;
    const range =
      mode.contentRange === undefined
        ? `bytes ${start}-${blob.length - 1}/${blob.length}`
        : mode.contentRange;
    res.writeHead(partial ? 206 : 200, {
      'content-length': body.length,
      ...(partial && range !== null ? { 'content-range': range } : {}),
    });
    if (mode.stallAfter >= 0) {
      res.write(body.subarray(0, mode.stallAfter));
      return;
    }
    if (mode.cutAfter >= 0) {
      // Send part of the body, then close the connection as a flaky network would. A FIN, not
      // a reset: a reset may discard bytes the client has not read yet, and the test needs to
      // know what arrived.
      res.write(body.subarray(0, mode.cutAfter), () => res.socket?.end());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob`;
});
afterAll(() => {
  // A stalled answer keeps its connection open.
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  Object.assign(mode, fresh());
  seenRanges.length = 0;
  dir = mkdtempSync(path.join(tmpdir(), 'kc-blob-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

const fetchIt = (more: Partial<Parameters<typeof downloadBlob>[0]> = {}) =>
  downloadBlob({
    source: { url, headers: () => ({ 'x-test': '1' }) },
    sha256: sha,
    size: blob.length,
    dir: path.join(dir, 'blobs'),
    partialDir: path.join(dir, 'partial'),
    ...more,
  });
const final = () => path.join(dir, 'blobs', sha);
const part = () => path.join(dir, 'partial', `${sha}.part`);

describe('downloadBlob', () => {
  it('fetches, verifies and installs a blob under its content name', async () => {
    expect(await fetchIt()).toEqual({ transferred: blob.length, resumed: 0 });
    expect(readFileSync(final()).equals(blob)).toBe(true);
    expect(existsSync(part())).toBe(false);
  });

  it('resumes a cut download with Range and sends only the rest again', async () => {
    mode.cutAfter = 100_000;
    await expect(fetchIt()).rejects.toThrow();
    expect(existsSync(final())).toBe(false);
    // Every byte that reached the box is on disk: the next request asks for the rest only.
    const kept = statSync(part()).size;
    expect(kept).toBe(100_000);
    mode.cutAfter = -1;
    expect(await fetchIt()).toEqual({ transferred: blob.length - kept, resumed: kept });
    expect(seenRanges.at(-1)).toBe(`bytes=${kept}-`);
    expect(readFileSync(final()).equals(blob)).toBe(true);
  });

  it('refuses a blob with a flipped bit, keeps nothing of it, and gets it right next time', async () => {
    mode.flipAt = 12_345;
    await expect(fetchIt()).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(existsSync(final())).toBe(false);
    expect(existsSync(part())).toBe(false);
    mode.flipAt = -1;
    await fetchIt();
    expect(readFileSync(final()).equals(blob)).toBe(true);
  });

  it('a flipped bit in the part resumed from disk is caught too', async () => {
    // A partial download damaged on disk (a power cut before its fsync, say).
    const damaged = Buffer.from(blob.subarray(0, 50_000));
    damaged[10]! ^= 0x01;
    mkdirSync(path.dirname(part()), { recursive: true });
    writeFileSync(part(), damaged);
    await expect(fetchIt()).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(seenRanges).toEqual(['bytes=50000-']);
    expect(existsSync(final())).toBe(false);
    await fetchIt();
    expect(readFileSync(final()).equals(blob)).toBe(true);
  });

  it('starts over when the server ignores the range', async () => {
    mode.cutAfter = 70_000;
    await expect(fetchIt()).rejects.toThrow();
    mode.cutAfter = -1;
    mode.ignoreRange = true;
    await fetchIt();
    expect(readFileSync(final()).equals(blob)).toBe(true);
  });

  it('refuses more bytes than the manifest says, and an error status', async () => {
    mode.extra = 10;
    await expect(fetchIt()).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(existsSync(part())).toBe(false);
    mode.extra = 0;
    mode.status = 404;
    await expect(fetchIt()).rejects.toThrow(/HTTP 404/);
    expect(existsSync(final())).toBe(false);
  });

  it('a server that ignores the range: the part is dropped and the blob fetched whole', async () => {
    mode.cutAfter = 70_000;
    await expect(fetchIt()).rejects.toThrow();
    mode.cutAfter = -1;
    mode.ignoreRange = true;
    seenRanges.length = 0;
    expect(await fetchIt()).toEqual({ transferred: blob.length, resumed: 0 });
    expect(seenRanges).toEqual(['bytes=70000-', undefined]);
    expect(readFileSync(final()).equals(blob)).toBe(true);
  });

  it('refuses a partial answer for another range, or without Content-Range, and keeps the part', async () => {
    mode.cutAfter = 40_000;
    await expect(fetchIt()).rejects.toThrow();
    mode.cutAfter = -1;
    for (const [range, shown] of [
      ['bytes 0-299999/300000', '"bytes 0-299999/300000"'],
      ['bytes 40000-299999', '"bytes 40000-299999"'],
      ['bytes 40000-99999/300000', '"bytes 40000-99999/300000"'],
      ['bytes 40000-299999/*', '"bytes 40000-299999/*"'],
      [null, 'null'],
    ] as const) {
      mode.contentRange = range;
      await expect(fetchIt(), String(range)).rejects.toThrow(
        `asked for bytes 40000-299999 of 300000, the answer has content-range ${shown}`,
      );
      expect(statSync(part()).size).toBe(40_000);
    }
    mode.contentRange = undefined;
    expect(await fetchIt()).toEqual({ transferred: blob.length - 40_000, resumed: 40_000 });
  });

  it('a pause (abort) keeps what arrived, and the next try goes on from there', async () => {
    mode.stallAfter = 123_456;
    const abort = new AbortController();
    let seen = 0;
    const running = fetchIt({
      signal: abort.signal,
      onBytes: (done) => {
        seen = done;
        if (done === 123_456) abort.abort(new Error('paused: a CD is burning'));
      },
    });
    await expect(running).rejects.toThrow();
    expect(seen).toBe(123_456);
    expect(statSync(part()).size).toBe(123_456);
    mode.stallAfter = -1;
    expect(await fetchIt()).toEqual({ transferred: blob.length - 123_456, resumed: 123_456 });
    expect(readFileSync(final()).equals(blob)).toBe(true);
  });

  it('gives up on a connection that goes quiet, keeping what arrived', async () => {
    mode.stallAfter = 5_000;
    await expect(fetchIt({ idleTimeoutMs: 200 })).rejects.toThrow(/no data for 200 ms/);
    expect(statSync(part()).size).toBe(5_000);
    expect(existsSync(final())).toBe(false);
  });

  it('starts over when the part on disk is longer than the blob', async () => {
    mkdirSync(path.dirname(part()), { recursive: true });
    writeFileSync(part(), Buffer.alloc(blob.length + 1));
    expect(await fetchIt()).toEqual({ transferred: blob.length, resumed: 0 });
    expect(seenRanges).toEqual([undefined]);
    expect(readFileSync(final()).equals(blob)).toBe(true);
  });
});
