/**
 * The JBX1 encrypted blob format: seekable, chunked AES-256-GCM with one content key per track.
 *
 *     header (22 bytes)  "JBX1" | version 1 | log2(chunkSize) | plaintext length (u64 BE)
 *                        | nonce prefix (8 random bytes)
 *     chunk i            AES-256-GCM ciphertext of chunkSize plaintext bytes (the last may be
 *                        shorter, and is empty for an empty track) | 16-byte tag
 *
 * Chunk i uses nonce = prefix | u32 BE i and AAD = header | u32 BE i | (1 if last else 0).
 * Binding the whole header into every chunk makes a changed length or chunk size fail; the
 * index makes reordering fail; the last-chunk flag makes truncation at a chunk boundary fail.
 * Chunk i starts at a computable offset, so a reader can decrypt any byte range on its own.
 */

export const JBX1_MAGIC = Buffer.from('JBX1', 'latin1');
export const JBX1_VERSION = 1;
export const HEADER_LENGTH = 22;
export const TAG_LENGTH = 16;
export const NONCE_PREFIX_LENGTH = 8;
export const CONTENT_KEY_LENGTH = 32;
export const DEFAULT_CHUNK_SIZE = 1 << 16;
/**
 * Accepted chunk sizes: 256 B .. 16 MiB. The lower bound keeps the per-chunk overhead sane;
 * the upper bound stops a hostile header from making a reader allocate a huge chunk buffer.
 */
export const MIN_CHUNK_LOG2 = 8;
export const MAX_CHUNK_LOG2 = 24;
/** Chunk indexes are u32 in the nonce; a blob can never have more chunks than this. */
const MAX_CHUNKS = 2 ** 32;

/** Any refusal to read or write a JBX1 blob: bad header, tamper, truncation, wrong key. */
export class Jbx1Error extends Error {
  override name = 'Jbx1Error';
}

export interface Jbx1Header {
  chunkSize: number;
  plaintextLength: number;
  noncePrefix: Buffer;
  /** The 22 header bytes exactly as stored, the first part of every chunk's AAD. */
  bytes: Buffer;
}

/** Number of chunks for a plaintext length: at least one, so an empty track still has a tag. */
export function chunkCount(plaintextLength: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(plaintextLength / chunkSize));
}

/** Total size in bytes of the JBX1 blob for a plaintext of this length. */
export function encryptedSize(plaintextLength: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  checkChunkSize(chunkSize);
  checkLength(plaintextLength, chunkSize);
  return HEADER_LENGTH + plaintextLength + TAG_LENGTH * chunkCount(plaintextLength, chunkSize);
}

/** Byte offset of chunk `index` in the blob. */
export function chunkOffset(index: number, chunkSize: number): number {
  return HEADER_LENGTH + index * (chunkSize + TAG_LENGTH);
}

/** Plaintext bytes in chunk `index` (the last chunk may be short or empty). */
export function chunkPlainLength(index: number, plaintextLength: number, chunkSize: number) {
  return Math.min(chunkSize, plaintextLength - index * chunkSize);
}

/** log2 of a valid chunk size; throws for anything else. */
export function checkChunkSize(chunkSize: number): number {
  const log2 = Math.log2(chunkSize);
  if (!Number.isInteger(log2) || log2 < MIN_CHUNK_LOG2 || log2 > MAX_CHUNK_LOG2) {
    throw new Jbx1Error(
      `chunk size must be a power of two from 2^${MIN_CHUNK_LOG2} to 2^${MAX_CHUNK_LOG2}`,
    );
  }
  return log2;
}

function checkLength(plaintextLength: number, chunkSize: number): void {
  if (!Number.isSafeInteger(plaintextLength) || plaintextLength < 0) {
    throw new Jbx1Error('plaintext length must be a non-negative safe integer');
  }
  if (chunkCount(plaintextLength, chunkSize) > MAX_CHUNKS) {
    throw new Jbx1Error('plaintext too long for this chunk size');
  }
}

export function checkContentKey(key: Uint8Array): Buffer {
  if (!(key instanceof Uint8Array) || key.length !== CONTENT_KEY_LENGTH) {
    throw new Jbx1Error(`content key must be ${CONTENT_KEY_LENGTH} bytes`);
  }
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

export function encodeHeader(
  plaintextLength: number,
  chunkSize: number,
  noncePrefix: Uint8Array,
): Jbx1Header {
  const log2 = checkChunkSize(chunkSize);
  checkLength(plaintextLength, chunkSize);
  if (noncePrefix.length !== NONCE_PREFIX_LENGTH) {
    throw new Jbx1Error(`nonce prefix must be ${NONCE_PREFIX_LENGTH} bytes`);
  }
  const bytes = Buffer.alloc(HEADER_LENGTH);
  JBX1_MAGIC.copy(bytes, 0);
  bytes[4] = JBX1_VERSION;
  bytes[5] = log2;
  bytes.writeBigUInt64BE(BigInt(plaintextLength), 6);
  bytes.set(noncePrefix, 14);
  return { chunkSize, plaintextLength, noncePrefix: bytes.subarray(14, 22), bytes };
}

/**
 * Parses and checks the 22 header bytes. A header that passes is only plausible: it is
 * authenticated when the first chunk decrypts (its AAD includes these bytes).
 */
export function decodeHeader(data: Uint8Array): Jbx1Header {
  if (data.length < HEADER_LENGTH) throw new Jbx1Error('truncated JBX1 header');
  const bytes = Buffer.from(data.subarray(0, HEADER_LENGTH));
  if (!bytes.subarray(0, 4).equals(JBX1_MAGIC)) throw new Jbx1Error('not a JBX1 blob (magic)');
  if (bytes[4] !== JBX1_VERSION) throw new Jbx1Error(`unsupported JBX1 version ${bytes[4]}`);
  const log2 = bytes[5] ?? 0;
  if (log2 < MIN_CHUNK_LOG2 || log2 > MAX_CHUNK_LOG2) {
    throw new Jbx1Error(`unsupported JBX1 chunk size 2^${log2}`);
  }
  const chunkSize = 2 ** log2;
  const length = bytes.readBigUInt64BE(6);
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw new Jbx1Error('JBX1 length too large');
  const plaintextLength = Number(length);
  checkLength(plaintextLength, chunkSize);
  return { chunkSize, plaintextLength, noncePrefix: bytes.subarray(14, 22), bytes };
}
