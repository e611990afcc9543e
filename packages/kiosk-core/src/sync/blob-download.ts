import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fsyncDir } from './files.js';

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
 * first), then fsynced and renamed to their final name, and the folder is fsynced. A wrong
 * blob never gets a content name; its partial file is deleted so the next try starts clean.
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
    const res = await fetch(opts.source.url, {
      headers: { ...opts.source.headers(), ...(have > 0 ? { range: `bytes=${have}-` } : {}) },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 200 && have > 0) {
      // The server ignored the range: start over from its first byte.
      hash.destroy();
      await rm(part, { force: true });
      return downloadBlob(opts);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel().catch(() => undefined);
      throw new Error(`GET ${opts.sha256}: HTTP ${res.status}`);
    }
    if (!res.body) throw new Error(`GET ${opts.sha256}: empty answer`);
    // Each chunk is written (awaited) before the next is read: when the connection drops,
    // every byte received is on disk, so the next try resumes exactly where this one stopped.
    const out = await open(part, have > 0 ? 'a' : 'w');
    let written = have;
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (written > opts.size) {
          throw new BlobIntegrityError(`${opts.sha256}: more bytes than the manifest says`);
        }
        hash.update(chunk);
        await out.write(chunk);
        transferred += chunk.length;
        opts.onBytes?.(written);
      }
    } catch (err) {
      await out.close();
      if (err instanceof BlobIntegrityError) await rm(part, { force: true });
      throw err;
    }
    await out.sync();
    await out.close();
    have = written;
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
  fsyncDir(opts.dir);
  return { transferred, resumed };
}
