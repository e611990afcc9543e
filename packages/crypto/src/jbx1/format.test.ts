import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptBuffer } from '../test-support/jbx1.js';
import {
  chunkCount,
  decodeHeader,
  encodeHeader,
  encryptedSize,
  HEADER_LENGTH,
  Jbx1Error,
} from './format.js';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const PREFIX = Buffer.from('a0a1a2a3a4a5a6a7', 'hex');

describe('JBX1 header', () => {
  it('lays out the 22 bytes as the contract says', () => {
    const header = encodeHeader(0x0102030405, 1 << 16, PREFIX);
    expect(header.bytes.toString('hex')).toBe(
      '4a425831' + // "JBX1"
        '01' + // version
        '10' + // log2(64 KiB) = 16
        '0000000102030405' + // plaintext length, u64 big-endian
        'a0a1a2a3a4a5a6a7', // nonce prefix
    );
    expect(header.bytes).toHaveLength(HEADER_LENGTH);
  });

  it('decodes what it encodes', () => {
    const header = encodeHeader(12345, 1024, PREFIX);
    const decoded = decodeHeader(header.bytes);
    expect(decoded.chunkSize).toBe(1024);
    expect(decoded.plaintextLength).toBe(12345);
    expect(decoded.noncePrefix).toEqual(PREFIX);
  });

  const good = encodeHeader(100, 256, PREFIX).bytes;
  const edit = (at: number, hex: string) => {
    const copy = Buffer.from(good);
    copy.write(hex, at, 'hex');
    return copy;
  };
  it.each([
    ['short', good.subarray(0, 21), /truncated/],
    ['bad magic', edit(0, '4a425832'), /magic/],
    ['version 2', edit(4, '02'), /version 2/],
    ['chunk size 2^7', edit(5, '07'), /2\^7/],
    ['chunk size 2^25', edit(5, '19'), /2\^25/],
    ['length beyond 2^53', edit(6, '0020000000000000'), /too large/],
    ['more than 2^32 chunks', edit(5, '08').fill(0, 6, 14).fill(0x01, 7, 8), /too long/],
  ])('refuses a header with %s', (_name, bytes, message) => {
    expect(() => decodeHeader(bytes)).toThrow(Jbx1Error);
    expect(() => decodeHeader(bytes)).toThrow(message);
  });

  it('refuses bad parameters when writing', () => {
    expect(() => encodeHeader(-1, 1024, PREFIX)).toThrow(Jbx1Error);
    expect(() => encodeHeader(1.5, 1024, PREFIX)).toThrow(Jbx1Error);
    expect(() => encodeHeader(1, 1000, PREFIX)).toThrow(/power of two/);
    expect(() => encodeHeader(1, 1024, PREFIX.subarray(1))).toThrow(/nonce prefix/);
  });
});

describe('JBX1 sizes', () => {
  it('has at least one chunk and one tag per chunk', () => {
    expect(chunkCount(0, 256)).toBe(1);
    expect(chunkCount(256, 256)).toBe(1);
    expect(chunkCount(257, 256)).toBe(2);
    expect(encryptedSize(0)).toBe(22 + 16);
    expect(encryptedSize(65536)).toBe(22 + 65536 + 16);
    expect(encryptedSize(65537)).toBe(22 + 65537 + 32);
    expect(encryptedSize(1000, 256)).toBe(22 + 1000 + 4 * 16);
  });
});

describe('JBX1 known answer', () => {
  it('encrypts chunk by chunk exactly as the contract specifies', async () => {
    const plain = Buffer.from('x'.repeat(300));
    const blob = await encryptBuffer(plain, KEY, { chunkSize: 256, noncePrefix: PREFIX });
    const header = blob.subarray(0, 22);
    // Rebuild both chunks by hand from the contract text.
    const expected = [header];
    for (const [index, part] of [plain.subarray(0, 256), plain.subarray(256)].entries()) {
      const nonce = Buffer.concat([PREFIX, u32(index)]);
      const aad = Buffer.concat([header, u32(index), Buffer.of(index === 1 ? 1 : 0)]);
      const cipher = createCipheriv('aes-256-gcm', KEY, nonce);
      cipher.setAAD(aad);
      expected.push(cipher.update(part), cipher.final(), cipher.getAuthTag());
    }
    expect(blob).toEqual(Buffer.concat(expected));
    expect(createHash('sha256').update(blob).digest('hex')).toBe(PINNED_SHA256);
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** SHA-256 of the 22 + 300 + 32 byte blob above, derived once and pinned. */
const PINNED_SHA256 = '1b00745009149e9b205a49541ccd328a598a9d16f2cd3924aa99735b1f982189';
