/**
 * Reading JBX1 blobs as a stream. Each chunk's plaintext is released only after its tag has
 * verified, and the stream fails (never ends cleanly) on a bad header, a failed tag, a
 * truncated blob or bytes after the last chunk.
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { ChunkCipher } from './chunk-cipher.js';
import {
  checkContentKey,
  chunkPlainLength,
  decodeHeader,
  HEADER_LENGTH,
  Jbx1Error,
  TAG_LENGTH,
} from './format.js';
import { RecordSplitter } from './record-splitter.js';

export interface DecryptStreamOptions {
  /** The 32-byte content key. */
  key: Uint8Array;
}

/** A Transform from a JBX1 blob to its plaintext. */
export function createDecryptStream(options: DecryptStreamOptions): Transform {
  return new DecryptStream(options);
}

class DecryptStream extends Transform {
  private readonly key: Buffer;
  private cipher: ChunkCipher | undefined;
  private readonly splitter = new RecordSplitter(HEADER_LENGTH);
  private nextIndex = 0;

  constructor(options: DecryptStreamOptions) {
    super();
    this.key = checkContentKey(options.key);
  }

  override _transform(data: unknown, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!(data instanceof Uint8Array)) {
      done(new Jbx1Error('decrypt stream takes bytes'));
      return;
    }
    const input = Buffer.isBuffer(data)
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    try {
      this.splitter.push(
        input,
        () => this.nextRecordLength(),
        (record) => this.onRecord(record),
      );
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.cipher === undefined) {
      done(new Jbx1Error('blob ended inside the JBX1 header'));
    } else if (this.nextIndex < this.cipher.chunks) {
      done(
        new Jbx1Error(
          `blob is truncated: ended in chunk ${this.nextIndex} of ${this.cipher.chunks}`,
        ),
      );
    } else {
      done();
    }
  }

  private nextRecordLength(): number {
    const cipher = this.cipher;
    if (cipher === undefined) return HEADER_LENGTH;
    // After the last chunk, any single byte is one too many: ask for it so onRecord refuses.
    if (this.nextIndex >= cipher.chunks) return 1;
    const { plaintextLength, chunkSize } = cipher.header;
    return chunkPlainLength(this.nextIndex, plaintextLength, chunkSize) + TAG_LENGTH;
  }

  private onRecord(record: Buffer): void {
    if (this.cipher === undefined) {
      const header = decodeHeader(record);
      this.cipher = new ChunkCipher(this.key, header);
      this.splitter.reserve(header.chunkSize + TAG_LENGTH);
      return;
    }
    if (this.nextIndex >= this.cipher.chunks) throw new Jbx1Error('bytes after the last chunk');
    const plain = this.cipher.open(this.nextIndex++, record);
    if (plain.length > 0) this.push(plain);
  }
}
