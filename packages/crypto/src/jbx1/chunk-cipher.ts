/**
 * Sealing and opening one JBX1 chunk. Kept in one place so the stream writer, the stream reader
 * and the random-access reader cannot disagree about nonces or AAD.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { chunkCount, HEADER_LENGTH, Jbx1Error, TAG_LENGTH } from './format.js';
import type { Jbx1Header } from './format.js';

/**
 * Per-blob scratch for nonces and AAD. One instance is reused for every chunk of a blob so the
 * hot path allocates only the cipher and its output. `seal` and `open` are synchronous from
 * filling the scratch to finishing the cipher, so concurrent async readers of one blob can
 * share an instance without seeing each other's nonce.
 */
export class ChunkCipher {
  private readonly nonce = Buffer.alloc(12);
  private readonly aad = Buffer.alloc(HEADER_LENGTH + 5);
  readonly chunks: number;

  constructor(
    private readonly key: Buffer,
    readonly header: Jbx1Header,
  ) {
    header.noncePrefix.copy(this.nonce, 0);
    header.bytes.copy(this.aad, 0);
    this.chunks = chunkCount(header.plaintextLength, header.chunkSize);
  }

  private prepare(index: number): void {
    this.nonce.writeUInt32BE(index, 8);
    this.aad.writeUInt32BE(index, HEADER_LENGTH);
    this.aad[HEADER_LENGTH + 4] = index === this.chunks - 1 ? 1 : 0;
  }

  /** Encrypts chunk `index`; returns [ciphertext, tag] to push without concatenating. */
  seal(index: number, plain: Uint8Array): [Buffer, Buffer] {
    this.prepare(index);
    const cipher = createCipheriv('aes-256-gcm', this.key, this.nonce, {
      authTagLength: TAG_LENGTH,
    });
    cipher.setAAD(this.aad);
    const body = cipher.update(plain);
    const rest = cipher.final();
    return [rest.length > 0 ? Buffer.concat([body, rest]) : body, cipher.getAuthTag()];
  }

  /**
   * Decrypts chunk `index` from its record (ciphertext | tag). Throws {@link Jbx1Error} unless
   * the tag verifies, so no unauthenticated plaintext ever leaves this function.
   */
  open(index: number, record: Uint8Array): Buffer {
    if (record.length < TAG_LENGTH) throw new Jbx1Error(`chunk ${index} is truncated`);
    this.prepare(index);
    const split = record.length - TAG_LENGTH;
    const decipher = createDecipheriv('aes-256-gcm', this.key, this.nonce, {
      authTagLength: TAG_LENGTH,
    });
    decipher.setAAD(this.aad);
    decipher.setAuthTag(record.subarray(split));
    const body = decipher.update(record.subarray(0, split));
    try {
      const rest = decipher.final();
      return rest.length > 0 ? Buffer.concat([body, rest]) : body;
    } catch {
      throw new Jbx1Error(
        `chunk ${index} failed authentication (tampered, reordered, truncated or wrong key)`,
      );
    }
  }
}
