import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Names of the files ingest writes into the caller's folder. */
export const INGEST_FILE_NAMES = {
  delivery: 'delivery.mp3',
  preview: 'preview.opus',
  cover: (size: number) => `cover-${size}.jpg`,
} as const;

/** A file ingest wrote, as the content store wants it. */
export interface IngestedFile {
  /** Absolute or caller-relative path inside the output folder. */
  path: string;
  sizeBytes: number;
  /** SHA-256 of the file's bytes, lower-case hex: the name it gets in the content store. */
  sha256: string;
}

/** SHA-256 (hex) and size of a file, streamed so a long master never sits in memory. */
export async function describeFile(path: string): Promise<IngestedFile> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  const { size } = await stat(path);
  return { path, sizeBytes: size, sha256: hash.digest('hex') };
}

/**
 * The files one ingest writes into the caller's folder. Every file is produced under a
 * `.partial` name and renamed once complete and fsynced, so a name without the suffix is
 * always a whole file; `discard()` removes everything this set created, which is how a
 * failed or cancelled ingest leaves nothing behind.
 */
export class OutputSet {
  private readonly created = new Set<string>();

  constructor(readonly dir: string) {}

  /** Refuses a missing folder or a name that is already taken (never overwrite a file). */
  async claim(names: readonly string[]): Promise<string | null> {
    try {
      if (!(await stat(this.dir)).isDirectory()) return `${this.dir} is not a folder`;
    } catch {
      return `output folder ${this.dir} does not exist`;
    }
    for (const name of names) {
      for (const candidate of [name, `${name}.partial`]) {
        const exists = await lstat(join(this.dir, candidate)).then(
          () => true,
          () => false,
        );
        if (exists) return `${join(this.dir, candidate)} already exists`;
      }
    }
    return null;
  }

  /** The partial path to write `name` to; recorded for cleanup before anything writes it. */
  partial(name: string): string {
    const path = join(this.dir, `${name}.partial`);
    this.created.add(path);
    return path;
  }

  /** Writes bytes to `name` (via its partial). */
  async write(name: string, data: Uint8Array): Promise<string> {
    await writeFile(this.partial(name), data);
    return this.commit(name);
  }

  /**
   * Fsyncs the partial and renames it to `name`. The fsync is for the caller: it moves the
   * file into its store by rename, and a rename of unsynced data can survive a power cut
   * as an empty file under a content hash.
   */
  async commit(name: string): Promise<string> {
    const from = join(this.dir, `${name}.partial`);
    const to = join(this.dir, name);
    const fh = await open(from, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    this.created.add(to);
    await rename(from, to);
    this.created.delete(from);
    return to;
  }

  /** Removes every file this set created (partial or complete). Never throws. */
  async discard(): Promise<void> {
    await Promise.all([...this.created].map((p) => rm(p, { force: true }).catch(() => undefined)));
    this.created.clear();
  }
}
