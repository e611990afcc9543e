import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { FileAppender, syncDir } from './files.js';

/** Where a blob is fetched from, with the headers that authenticate the request. */
export interface BlobSource {
  url: string;
  headers: () => Record<string, string>;
}

export interface BlobDownloadOptions {
  source: BlobSource;
  /** Expected SHA-256 (hex) and size, from the signed manifest. */
  sha256: string;
  size: number;
  /** `<dir>/<sha256>` is the final file; `<partialDir>/<sha256>.part` the download. */
  dir: string;
  partialDir: string;
  signal?: AbortSignal;
  /** Bytes written so far for this blob (including those resumed from a partial). */
  onBytes?: (done: number) => void;
  /**
   * fsync `dir` after the rename (default true). A caller that renames a batch of blobs in
   * and fsyncs the folder once before anything refers to them passes false.
   */
  syncDir?: boolean;
  /** A connection that delivers nothing for this long is given up (default 60 s). */
  idleTimeoutMs?: number;
}

export interface BlobDownloadResult {
  /** Bytes that came over the network in this call. */
  transferred: number;
  /** Bytes already on disk from an earlier, interrupted download. */
  resumed: number;
}

/** A download that delivered the wrong bytes: the partial file is deleted. */
export class BlobIntegrityError extends Error {
  override readonly name = 'BlobIntegrityError';
}

/** Received bytes queued for the part file beyond which reading pauses (a slow disk). */
const MAX_QUEUED = 8 * 1024 * 1024;

/**
 * Fetches one content-addressed blob with HTTP Range, resuming a partial download where it
 * stopped, and admits it only if its size and SHA-256 match the manifest: the bytes go to
 * `<sha>.part`, are hashed as they arrive (a resumed download hashes the part already on disk
 * first), then fdatasynced and renamed to their final name, and the folder is fsynced. A
 * wrong blob never gets a content name; its partial file is deleted so the next try starts
 * clean.
 */
export async function downloadBlob(opts: BlobDownloadOptions): Promise<BlobDownloadResult> {
  const final = path.join(opts.dir, opts.sha256);
  const part = path.join(opts.partialDir, `${opts.sha256}.part`);
  await mkdir(opts.dir, { recursive: true });
  await mkdir(opts.partialDir, { recursive: true });

  let have = await stat(part).then(
    (s) => s.size,
    () => 0,
  );
  if (have > opts.size) {
    await rm(part, { force: true });
    have = 0;
  }
  let hash = createHash('sha256');
  if (have > 0) {
    // Hash what is already there; its bytes are checked with the rest at the end.
    for await (const chunk of createReadStream(part, { end: have - 1 }))
      hash.update(chunk as Buffer);
  }
  const resumed = have;
  let transferred = 0;
  if (have < opts.size) {
    const out = await open(part, have > 0 ? 'a' : 'w');
    try {
      const got = await receive(opts, out, have, hash);
      // fdatasync, not fsync: it writes the data and the size, all that reading it back
      // needs; the timestamps it skips are nobody's business.
      await out.datasync();
      ({ hash, transferred } = got);
      have = got.onDisk;
    } catch (err) {
      if (err instanceof BlobIntegrityError) await rm(part, { force: true });
      throw err;
    } finally {
      await out.close();
    }
  }
  const digest = hash.digest('hex');
  if (have !== opts.size || digest !== opts.sha256) {
    await rm(part, { force: true });
    throw new BlobIntegrityError(
      have !== opts.size
        ? `${opts.sha256}: got ${have} bytes, the manifest says ${opts.size}`
        : `${opts.sha256}: the bytes hash to ${digest}`,
    );
  }
  await rename(part, final);
  if (opts.syncDir !== false) await syncDir(opts.dir);
  return { transferred, resumed };
}

interface Received {
  /** The hash over the whole part (a new one when the server ignored the range). */
  hash: Hash;
  /** Bytes of the blob on the part file. */
  onDisk: number;
  transferred: number;
}

/**
 * One GET of the blob from byte `from` on, appended to `out`. Every chunk the socket delivers
 * is hashed and handed to the file at once, in order; when the answer ends early (a cut), what
 * was handed over is written out before the error is reported, so the part holds every byte
 * that reached the box and the next try asks only for the rest. A server that ignores the
 * range answers 200 with the whole blob: the part is emptied and that answer used instead.
 */
function receive(
  opts: BlobDownloadOptions,
  out: FileHandle,
  from: number,
  resumedHash: Hash,
): Promise<Received> {
  const url = new URL(opts.source.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Received>((resolve, reject) => {
    let hash = resumedHash;
    let base = from;
    let transferred = 0;
    let settled = false;
    let res: IncomingMessage | null = null;
    /** Reading paused because the disk is behind. */
    let waitingForDisk = false;
    const writer = new FileAppender(out, () => {
      if (!waitingForDisk) return;
      waitingForDisk = false;
      res?.resume();
    });
    /** Ends the download once the bytes handed to the file are on it. */
    const settle = (failure: Error | null) => {
      if (settled) return;
      settled = true;
      if (!res?.complete) req.destroy();
      writer.drain().then(
        () => {
          if (failure) reject(failure);
          else resolve({ hash, onDisk: base + writer.written, transferred });
        },
        (err: unknown) => reject(failure ?? (err as Error)),
      );
    };
    const req = client.get(url, {
      headers: { ...opts.source.headers(), ...(from > 0 ? { range: `bytes=${from}-` } : {}) },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    req.setTimeout(opts.idleTimeoutMs ?? 60_000, () =>
      req.destroy(new Error(`GET ${opts.sha256}: no data for ${opts.idleTimeoutMs ?? 60_000} ms`)),
    );
    req.on('error', (err) => settle(err));
    req.on('response', (answer) => {
      res = answer;
      const problem = checkAnswer(answer, from, opts);
      if (problem !== null) {
        answer.resume();
        settle(problem);
        return;
      }
      if (answer.statusCode === 200 && from > 0) {
        // The server ignored the range: start over from its first byte with this answer.
        hash = createHash('sha256');
        base = 0;
        answer.pause();
        out.truncate(0).then(
          () => answer.resume(),
          (err: unknown) => settle(err as Error),
        );
      }
      answer.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (base + transferred + chunk.length > opts.size) {
          settle(new BlobIntegrityError(`${opts.sha256}: more bytes than the manifest says`));
          return;
        }
        hash.update(chunk);
        writer.push(chunk);
        transferred += chunk.length;
        if (writer.queued > MAX_QUEUED) {
          waitingForDisk = true;
          answer.pause();
        }
        opts.onBytes?.(base + transferred);
      });
      answer.on('end', () => settle(null));
      // An answer cut short errors ('aborted') and closes without 'end'.
      answer.on('error', (err) => settle(err));
      answer.on('close', () =>
        settle(answer.complete ? null : new Error(`GET ${opts.sha256}: the connection was cut`)),
      );
    });
  });
}

/** Why an answer cannot be used, or null: the status, and that a 206 starts where asked. */
function checkAnswer(res: IncomingMessage, from: number, opts: BlobDownloadOptions): Error | null {
  const status = res.statusCode ?? 0;
  if (status !== 200 && status !== 206) return new Error(`GET ${opts.sha256}: HTTP ${status}`);
  if (status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== from) {
      return new Error(
        `GET ${opts.sha256}: asked for bytes from ${from}, the answer has content-range ` +
          `${JSON.stringify(res.headers['content-range'] ?? null)}`,
      );
    }
  }
  return null;
}
