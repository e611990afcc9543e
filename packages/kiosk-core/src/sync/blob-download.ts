import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { BodyGetError, getBody, type AnswerHead } from './blob-http.js';
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
  const hash = createHash('sha256');
  if (have > 0) {
    // Hash what is already there; its bytes are checked with the rest at the end.
    for await (const chunk of createReadStream(part, { end: have - 1 }))
      hash.update(chunk as Buffer);
  }
  const resumed = have;
  let transferred = 0;
  if (have < opts.size) {
    const out = await open(part, have > 0 ? 'a' : 'w');
    let rangeIgnored = false;
    try {
      transferred = await receive(opts, out, have, hash);
      // fdatasync, not fsync: it writes the data and the size, all that reading it back
      // needs; the timestamps it skips are nobody's business.
      await out.datasync();
      have += transferred;
    } catch (err) {
      if (err instanceof BlobIntegrityError) await rm(part, { force: true });
      if (!(err instanceof RangeIgnored)) throw err;
      rangeIgnored = true;
    } finally {
      await out.close();
    }
    if (rangeIgnored) {
      // The server ignored the range: start over from its first byte.
      await rm(part, { force: true });
      return downloadBlob(opts);
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

/** A 200 answer to a request for the rest of a blob: its body starts at byte 0. */
class RangeIgnored extends Error {
  override readonly name = 'RangeIgnored';
}

/**
 * One GET of the blob from byte `from` on, appended to `out`; resolves with the bytes
 * received. Every piece the socket delivers is hashed and handed to the file at once, in
 * order; when the answer ends early (a cut, a pause), what was handed over is written out
 * before the error is reported, so the part holds every byte that reached the box and the
 * next try asks only for the rest.
 */
async function receive(
  opts: BlobDownloadOptions,
  out: FileHandle,
  from: number,
  hash: Hash,
): Promise<number> {
  const writer = new FileAppender(out);
  let received = 0;
  let failure: Error | null = null;
  // Ends the GET early when the bytes cannot be used any more (too many, or the disk failed).
  const stop = new AbortController();
  const fail = (err: Error) => {
    failure ??= err;
    stop.abort(failure);
  };
  try {
    await getBody({
      url: new URL(opts.source.url),
      headers: { ...opts.source.headers(), ...(from > 0 ? { range: `bytes=${from}-` } : {}) },
      signal: opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal,
      idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
      onHead: (head) => checkAnswer(head, from, opts),
      onBody: (piece, release) => {
        if (from + received + piece.length > opts.size) {
          fail(new BlobIntegrityError(`${opts.sha256}: more bytes than the manifest says`));
        } else if (writer.failure !== null) {
          fail(writer.failure);
        }
        if (failure !== null) return release();
        hash.update(piece);
        writer.push(piece, release);
        received += piece.length;
        opts.onBytes?.(from + received);
      },
    });
  } catch (err) {
    failure ??=
      err instanceof BodyGetError
        ? new Error(`GET ${opts.sha256}: ${err.message}`)
        : (err as Error);
  }
  // What arrived goes to the file before anything is reported, a failure included.
  await writer.drain().catch((err: unknown) => {
    failure ??= err as Error;
  });
  if (failure !== null) throw failure;
  return received;
}

/**
 * Why an answer cannot be used, or null: its status, and for a 206 that it holds the rest of
 * the blob from where it was asked (a different range is refused before its body is read;
 * the part on disk stays).
 */
function checkAnswer(head: AnswerHead, from: number, opts: BlobDownloadOptions): Error | null {
  if (head.status === 200 && from > 0) return new RangeIgnored();
  if (head.status !== 200 && head.status !== 206) {
    return new Error(`GET ${opts.sha256}: HTTP ${head.status}`);
  }
  if (head.status === 206) {
    const contentRange = head.headers.get('content-range') ?? null;
    if (contentRange !== `bytes ${from}-${opts.size - 1}/${opts.size}`) {
      return new Error(
        `GET ${opts.sha256}: asked for bytes ${from}-${opts.size - 1} of ${opts.size}, ` +
          `the answer has content-range ${JSON.stringify(contentRange)}`,
      );
    }
  }
  return null;
}
