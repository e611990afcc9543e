/**
 * Writing JBX1 blobs as a stream. The header carries the plaintext length, so the length must
 * be known before the first byte: the stream fails if its input turns out longer or shorter.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChunkCipher } from './chunk-cipher.js';
import {
  checkContentKey,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  encryptedSize,
  Jbx1Error,
  NONCE_PREFIX_LENGTH,
} from './format.js';
import { RecordSplitter } from './record-splitter.js';

export interface EncryptStreamOptions {
  /** The 32-byte content key. */
  key: Uint8Array;
  /** Exact number of plaintext bytes that will be written. */
  plaintextLength: number;
  /** Power of two, 256 B .. 16 MiB; default 64 KiB. */
  chunkSize?: number;
  /**
   * Fixed nonce prefix, for known-answer tests only. Left out, 8 random bytes are drawn: the
   * prefix is what keeps two encryptions under one key from reusing a GCM nonce.
   */
  noncePrefix?: Uint8Array;
}

/** A Transform from plaintext to a JBX1 blob (header first, then the chunks). */
export function createEncryptStream(options: EncryptStreamOptions): Transform {
  return new EncryptStream(options);
}

class EncryptStream extends Transform {
  private readonly cipher: ChunkCipher;
  private readonly splitter: RecordSplitter;
  private readonly chunkSize: number;
  private readonly expected: number;
  private received = 0;
  private nextIndex = 0;

  constructor(options: EncryptStreamOptions) {
    super();
    const key = checkContentKey(options.key);
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.expected = options.plaintextLength;
    const header = encodeHeader(
      options.plaintextLength,
      this.chunkSize,
      options.noncePrefix ?? randomBytes(NONCE_PREFIX_LENGTH),
    );
    this.cipher = new ChunkCipher(key, header);
    this.splitter = new RecordSplitter(this.chunkSize);
    this.push(header.bytes);
  }

  override _transform(data: unknown, _encoding: BufferEncoding, done: TransformCallback): void {
    const input = toBuffer(data);
    this.received += input.length;
    if (this.received > this.expected) {
      done(new Jbx1Error(`input is longer than the declared ${this.expected} bytes`));
      return;
    }
    try {
      this.splitter.push(
        input,
        () => this.chunkSize,
        (plain) => this.sealNext(plain),
      );
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.received !== this.expected) {
      done(
        new Jbx1Error(`input ended after ${this.received} bytes, ${this.expected} were declared`),
      );
      return;
    }
    // The short last chunk, or the single empty chunk of an empty plaintext.
    if (this.nextIndex < this.cipher.chunks) this.sealNext(this.splitter.drain());
    done();
  }

  private sealNext(plain: Buffer): void {
    const [body, tag] = this.cipher.seal(this.nextIndex++, plain);
    if (body.length > 0) this.push(body);
    this.push(tag);
  }
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw new Jbx1Error('encrypt stream takes bytes');
}

export interface EncryptFileResult {
  plaintextLength: number;
  /** Size of the written blob, as a manifest lists it. */
  size: number;
  /** SHA-256 (hex) of the written blob, its content address. */
  sha256: string;
  /** SHA-256 (hex) of the plaintext. */
  plainSha256: string;
}

/**
 * Encrypts the file at `src` into `dst` in one pass, hashing both sides on the way. `dst` is
 * written in place: callers that need atomicity write to a temporary name and rename.
 */
export async function encryptFile(
  src: string,
  dst: string,
  key: Uint8Array,
  options: { chunkSize?: number } = {},
): Promise<EncryptFileResult> {
  const { size: plaintextLength } = await stat(src);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const plainHash = createHash('sha256');
  const blobHash = createHash('sha256');
  await pipeline(
    createReadStream(src),
    tap((chunk) => plainHash.update(chunk)),
    createEncryptStream({ key, plaintextLength, chunkSize }),
    tap((chunk) => blobHash.update(chunk)),
    createWriteStream(dst),
  );
  return {
    plaintextLength,
    size: encryptedSize(plaintextLength, chunkSize),
    sha256: blobHash.digest('hex'),
    plainSha256: plainHash.digest('hex'),
  };
}

/** A pass-through that shows every chunk to `see` (used for hashing in the same pass). */
function tap(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      see(chunk);
      done(null, chunk);
    },
  });
}
