import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSha256Hex, type BlobInfo, type BlobRange, type BlobStore } from './types.js';

/** Where unfinished writes go, inside the store so the final rename stays on one file system. */
const TMP_DIR = '.tmp';

/**
 * The blob store as a local folder: `<root>/ab/cd/<sha256>` (two levels of fan-out keep any one
 * folder small at a million blobs). A write goes to `<root>/.tmp/`, is hashed on the way,
 * fsynced, renamed to its name and the folder fsynced, so after a power cut a name holds either
 * nothing or all of its bytes (DESIGN.md "Data that must never be lost").
 */
export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  /** The path of a blob (the name is checked first: it becomes a file path). */
  pathOf(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new TypeError(`not a SHA-256 blob name: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(source: Readable | { file: string }): Promise<BlobInfo> {
    const tmpDir = path.join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const input = 'file' in source ? createReadStream(source.file) : source;
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(input, counter, createWriteStream(tmp, { flags: 'wx' }));
      await fsyncFile(tmp);
      const sha256 = hash.digest('hex');
      const final = this.pathOf(sha256);
      const dir = path.dirname(final);
      await mkdir(dir, { recursive: true });
      // Same name, same bytes: a blob already there is kept and the copy dropped.
      if (await exists(final)) {
        await rm(tmp, { force: true });
      } else {
        await rename(tmp, final);
        await fsyncDir(dir);
      }
      return { sha256, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async stat(sha256: string): Promise<BlobInfo | null> {
    if (!isSha256Hex(sha256)) return null;
    try {
      const s = await stat(this.pathOf(sha256));
      return s.isFile() ? { sha256, size: s.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  createReadStream(sha256: string, range?: BlobRange): ReadStream {
    return createReadStream(
      this.pathOf(sha256),
      range ? { start: range.start, end: range.end } : {},
    );
  }

  async openFile(sha256: string): Promise<FileHandle | null> {
    if (!isSha256Hex(sha256)) return null;
    try {
      return await open(this.pathOf(sha256), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(sha256: string): Promise<boolean> {
    if (!(await this.has(sha256))) return false;
    await rm(this.pathOf(sha256), { force: true });
    return true;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function fsyncFile(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a rename durable: the new directory entry is on disk once this resolves. */
async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
