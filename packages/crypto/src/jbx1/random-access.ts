/**
 * Random access to a JBX1 blob on disk: decrypt only the chunks that cover a byte range. This
 * is how a box seeks within an encrypted track and how it serves Range requests to a player.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ChunkCipher } from './chunk-cipher.js';
import {
  checkContentKey,
  chunkOffset,
  chunkPlainLength,
  decodeHeader,
  encryptedSize,
  HEADER_LENGTH,
  Jbx1Error,
  TAG_LENGTH,
} from './format.js';

export interface EncryptedBlob {
  readonly plaintextLength: number;
  readonly chunkSize: number;
  /**
   * The plaintext bytes [start, endExclusive). Reads and authenticates only the chunks the
   * range touches; a failed tag rejects with {@link Jbx1Error}.
   */
  read(start: number, endExclusive: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Opens a blob for random access. The header is checked and the file size must be exactly what
 * the header implies, so truncation and appended bytes are refused up front; the header itself
 * is authenticated by the first chunk read.
 */
export async function openEncryptedBlob(path: string, key: Uint8Array): Promise<EncryptedBlob> {
  const contentKey = checkContentKey(key);
  const handle = await open(path, 'r');
  try {
    const cipher = await readHeader(handle, contentKey);
    return new FileBlob(handle, cipher);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readHeader(handle: FileHandle, key: Buffer): Promise<ChunkCipher> {
  const headerBytes = Buffer.alloc(HEADER_LENGTH);
  const { bytesRead } = await handle.read(headerBytes, 0, HEADER_LENGTH, 0);
  const header = decodeHeader(headerBytes.subarray(0, bytesRead));
  const { size } = await handle.stat();
  const expected = encryptedSize(header.plaintextLength, header.chunkSize);
  if (size !== expected) {
    throw new Jbx1Error(`blob is ${size} bytes, its header implies ${expected}`);
  }
  return new ChunkCipher(key, header);
}

class FileBlob implements EncryptedBlob {
  readonly plaintextLength: number;
  readonly chunkSize: number;

  constructor(
    private readonly handle: FileHandle,
    private readonly cipher: ChunkCipher,
  ) {
    this.plaintextLength = cipher.header.plaintextLength;
    this.chunkSize = cipher.header.chunkSize;
  }

  async read(start: number, endExclusive: number): Promise<Buffer> {
    checkRange(start, endExclusive, this.plaintextLength);
    if (start === endExclusive) return Buffer.alloc(0);
    const first = Math.floor(start / this.chunkSize);
    const last = Math.floor((endExclusive - 1) / this.chunkSize);
    const records = await this.readRecords(first, last);
    const out = Buffer.allocUnsafe(endExclusive - start);
    let written = 0;
    let recordStart = 0;
    for (let index = first; index <= last; index++) {
      const recordLength =
        chunkPlainLength(index, this.plaintextLength, this.chunkSize) + TAG_LENGTH;
      const plain = this.cipher.open(
        index,
        records.subarray(recordStart, recordStart + recordLength),
      );
      recordStart += recordLength;
      const plainStart = index * this.chunkSize;
      const from = Math.max(start - plainStart, 0);
      const to = Math.min(endExclusive - plainStart, plain.length);
      written += plain.copy(out, written, from, to);
    }
    return out;
  }

  /** The records of chunks first..last, read in one call. */
  private async readRecords(first: number, last: number): Promise<Buffer> {
    const from = chunkOffset(first, this.chunkSize);
    const to =
      chunkOffset(last, this.chunkSize) +
      chunkPlainLength(last, this.plaintextLength, this.chunkSize) +
      TAG_LENGTH;
    return readExactly(this.handle, to - from, from);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

function checkRange(start: number, endExclusive: number, length: number): void {
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(endExclusive) ||
    start < 0 ||
    start > endExclusive ||
    endExclusive > length
  ) {
    throw new RangeError(`range [${start}, ${endExclusive}) is outside 0..${length}`);
  }
}

/**
 * Reads `length` bytes at `position` into `target` (reused by callers that read chunk after
 * chunk) or a new buffer; a short read means the file shrank under us.
 */
async function readExactly(
  handle: FileHandle,
  length: number,
  position: number,
  target?: Buffer,
): Promise<Buffer> {
  const buffer = target === undefined ? Buffer.allocUnsafe(length) : target.subarray(0, length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new Jbx1Error('blob is truncated');
    filled += bytesRead;
  }
  return buffer;
}

export interface PlaintextRangeOptions {
  /** First plaintext byte, default 0. */
  start?: number;
  /**
   * Last plaintext byte, INCLUSIVE like `fs.createReadStream` and HTTP Range; default the end.
   */
  end?: number;
}

/**
 * A Readable of plaintext bytes [start, end] of the blob at `path`, decrypting one chunk at a
 * time (memory stays at one chunk whatever the range). Errors with {@link Jbx1Error} on tamper.
 */
export function createPlaintextReadStream(
  path: string,
  key: Uint8Array,
  options: PlaintextRangeOptions = {},
): Readable {
  return new PlaintextReadStream(path, checkContentKey(key), options);
}

class PlaintextReadStream extends Readable {
  private handle: FileHandle | undefined;
  private cipher: ChunkCipher | undefined;
  private position = 0;
  private endExclusive = 0;
  /** One record buffer for the whole stream: decryption copies out of it. */
  private recordBuffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly path: string,
    private readonly key: Buffer,
    private readonly range: PlaintextRangeOptions,
  ) {
    super();
  }

  override _construct(callback: (error?: Error | null) => void): void {
    void this.setUp().then(() => callback(), callback);
  }

  private async setUp(): Promise<void> {
    this.handle = await open(this.path, 'r');
    this.cipher = await readHeader(this.handle, this.key);
    const length = this.cipher.header.plaintextLength;
    const start = this.range.start ?? 0;
    const end = this.range.end ?? length - 1;
    checkRange(start, end + 1, length);
    this.position = start;
    this.endExclusive = end + 1;
    this.recordBuffer = Buffer.allocUnsafe(this.cipher.header.chunkSize + TAG_LENGTH);
  }

  override _read(): void {
    void this.readChunk().then(
      (chunk) => this.push(chunk),
      (error: unknown) => this.destroy(error as Error),
    );
  }

  /** The plaintext from `position` to the end of its chunk (or of the range); null at the end. */
  private async readChunk(): Promise<Buffer | null> {
    const { handle, cipher } = this;
    if (handle === undefined || cipher === undefined) throw new Jbx1Error('stream not open');
    if (this.position >= this.endExclusive) return null;
    const { chunkSize, plaintextLength } = cipher.header;
    const index = Math.floor(this.position / chunkSize);
    const recordLength = chunkPlainLength(index, plaintextLength, chunkSize) + TAG_LENGTH;
    const record = await readExactly(
      handle,
      recordLength,
      chunkOffset(index, chunkSize),
      this.recordBuffer,
    );
    const plain = cipher.open(index, record);
    const chunkStart = index * chunkSize;
    const slice = plain.subarray(
      this.position - chunkStart,
      Math.min(this.endExclusive - chunkStart, plain.length),
    );
    this.position = Math.min(chunkStart + plain.length, this.endExclusive);
    return slice;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    if (handle === undefined) {
      callback(error);
      return;
    }
    handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}
