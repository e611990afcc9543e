import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** A stored blob: its content address and length. */
export interface BlobInfo {
  /** SHA-256 of the bytes, lower-case hex. */
  sha256: string;
  size: number;
}

/** An inclusive byte range, as in HTTP `Range` and `fs.createReadStream`. */
export interface BlobRange {
  start: number;
  end: number;
}

/**
 * Content-addressed storage for the fleet's files (encrypted tracks, previews, covers,
 * graphics). Blobs are named by the SHA-256 of their bytes, so storing the same bytes twice
 * keeps one copy and a name always means the same bytes. The default is a local folder
 * (local.ts); an object store can implement the same interface, so server
 * processes stay stateless beside the database and the store.
 */
export interface BlobStore {
  /**
   * Stores bytes from a stream, or copies a file (which is left in place). Resolves once the
   * blob is durable under its name; a failed or partial write leaves nothing under a name.
   */
  put(source: Readable | { file: string }): Promise<BlobInfo>;
  has(sha256: string): Promise<boolean>;
  /** Size of a stored blob, or null when there is none by that name. */
  stat(sha256: string): Promise<BlobInfo | null>;
  /**
   * Reads a blob, or an inclusive range of it. The caller checks the range against `stat`
   * first; a missing blob fails the stream with an ENOENT error.
   */
  createReadStream(sha256: string, range?: BlobRange): Readable;
  /**
   * Opens a blob kept as a local file, or null when there is none by that name. Only stores
   * on the local disk have it; the server then sends blobs from the file itself
   * (`file-body.ts`) rather than through `createReadStream`.
   */
  openFile?(sha256: string): Promise<FileHandle | null>;
  /** Removes a blob; false when there was none. */
  delete(sha256: string): Promise<boolean>;
}

/** True for a lower-case hex SHA-256: the only names a blob store accepts. */
export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
