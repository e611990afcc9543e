import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decryptBuffer,
  encryptBuffer,
  pieces,
  runThrough,
  seededBytes,
} from '../test-support/jbx1.js';
import { createDecryptStream } from './decrypt-stream.js';
import { createEncryptStream, encryptFile } from './encrypt-stream.js';
import { chunkOffset, DEFAULT_CHUNK_SIZE, encryptedSize, Jbx1Error, TAG_LENGTH } from './format.js';

const KEY = randomBytes(32);
const CS = 256;

describe('JBX1 round trips', () => {
  it.each([0, 1, CS - 1, CS, CS + 1, 3 * CS, 10 * CS + 7])(
    '%i bytes with 256-byte chunks, fed in uneven pieces',
    async (length) => {
      const plain = seededBytes(length, length + 1);
      const blob = await encryptBuffer(plain, KEY, { chunkSize: CS, pieceSizes: [1, 7, 300, 13] });
      expect(blob).toHaveLength(encryptedSize(length, CS));
      expect(await decryptBuffer(blob, KEY, [5, 1000, 1, 271])).toEqual(plain);
      expect(await decryptBuffer(blob, KEY)).toEqual(plain);
    },
  );

  it.each([0, 1, DEFAULT_CHUNK_SIZE - 1, DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_SIZE + 1])(
    '%i bytes with the default 64 KiB chunks',
    async (length) => {
      const plain = seededBytes(length, 7);
      const blob = await encryptBuffer(plain, KEY);
      expect(blob).toHaveLength(encryptedSize(length));
      expect(blob[5]).toBe(16);
      expect(await decryptBuffer(blob, KEY)).toEqual(plain);
    },
  );

  it('several MB, in the pieces a file stream would give', async () => {
    const plain = seededBytes(5 * 1024 * 1024 + 12345, 99);
    const blob = await encryptBuffer(plain, KEY, { pieceSizes: [64 * 1024] });
    const out = await decryptBuffer(blob, KEY, [16 * 1024, 100_000]);
    expect(out.equals(plain)).toBe(true);
  });

  it('two encryptions of the same plaintext differ (random nonce prefix)', async () => {
    const plain = seededBytes(100);
    const a = await encryptBuffer(plain, KEY);
    const b = await encryptBuffer(plain, KEY);
    expect(a.subarray(14, 22)).not.toEqual(b.subarray(14, 22));
    expect(a.subarray(22)).not.toEqual(b.subarray(22));
  });
});

describe('JBX1 encryption refuses a length that differs from the header', () => {
  it('input longer than declared', async () => {
    const stream = createEncryptStream({ key: KEY, plaintextLength: 10 });
    await expect(runThrough(stream, [Buffer.alloc(6), Buffer.alloc(6)])).rejects.toThrow(
      /longer than the declared 10/,
    );
  });

  it('input shorter than declared', async () => {
    const stream = createEncryptStream({ key: KEY, plaintextLength: 10 });
    await expect(runThrough(stream, [Buffer.alloc(9)])).rejects.toThrow(/after 9 bytes, 10/);
  });

  it('bad options', () => {
    expect(() => createEncryptStream({ key: Buffer.alloc(16), plaintextLength: 1 })).toThrow(
      /32 bytes/,
    );
    expect(() => createEncryptStream({ key: KEY, plaintextLength: -1 })).toThrow(Jbx1Error);
    expect(() => createEncryptStream({ key: KEY, plaintextLength: 1, chunkSize: 100 })).toThrow(
      Jbx1Error,
    );
  });
});

describe('JBX1 decryption refuses every tamper', () => {
  const plain = seededBytes(4 * CS + 100, 5); // chunks: 256, 256, 256, 256, 100
  let blob: Buffer;
  beforeAll(async () => {
    blob = await encryptBuffer(plain, KEY, { chunkSize: CS });
  });

  const refuses = async (bytes: Buffer, message?: RegExp) => {
    const attempt = decryptBuffer(bytes, KEY, [97]);
    await expect(attempt).rejects.toThrow(Jbx1Error);
    if (message) await expect(decryptBuffer(bytes, KEY)).rejects.toThrow(message);
  };

  const flip = (at: number, mask = 0x01) => {
    const copy = Buffer.from(blob);
    copy[at]! ^= mask;
    return copy;
  };

  it('a flipped bit in every header byte', async () => {
    for (let at = 0; at < 22; at++) await refuses(flip(at));
  });

  it('a flipped bit in ciphertext and in the tag of every chunk', async () => {
    for (let chunk = 0; chunk < 5; chunk++) {
      const start = chunkOffset(chunk, CS);
      await refuses(flip(start), /chunk \d failed authentication/);
      await refuses(flip(start + 50, 0x80));
      const tagStart =
        chunk === 4 ? blob.length - TAG_LENGTH : chunkOffset(chunk + 1, CS) - TAG_LENGTH;
      await refuses(flip(tagStart));
      await refuses(flip(tagStart + 15, 0x80));
    }
  });

  it('truncation at each chunk boundary and mid-chunk', async () => {
    const cuts = [0, 10, 21, 22];
    for (let chunk = 1; chunk <= 4; chunk++) cuts.push(chunkOffset(chunk, CS));
    for (let chunk = 0; chunk <= 4; chunk++) cuts.push(chunkOffset(chunk, CS) + 100);
    cuts.push(blob.length - 1);
    for (const cut of cuts) await refuses(blob.subarray(0, cut));
    await refuses(blob.subarray(0, chunkOffset(2, CS)), /truncated/);
  });

  it('appended bytes', async () => {
    await refuses(Buffer.concat([blob, Buffer.of(0)]), /after the last chunk/);
    await refuses(Buffer.concat([blob, blob.subarray(22)]));
  });

  it('two chunks swapped', async () => {
    const swapped = Buffer.from(blob);
    const a = chunkOffset(1, CS);
    const b = chunkOffset(2, CS);
    const size = CS + TAG_LENGTH;
    blob.copy(swapped, a, b, b + size);
    blob.copy(swapped, b, a, a + size);
    await refuses(swapped, /chunk 1 failed/);
  });

  it('a full chunk dropped with the header length lowered to match', async () => {
    // The header is in every chunk's AAD, so editing it to hide truncation still fails.
    const shorter = Buffer.concat([blob.subarray(0, chunkOffset(4, CS))]);
    shorter.writeBigUInt64BE(BigInt(4 * CS), 6);
    await refuses(shorter, /chunk 0 failed/);
  });

  it('a middle chunk sealed as if it were the last (last-chunk flag)', async () => {
    // Re-seal chunk 0 of a two-chunk blob with the flag set: only the flag differs.
    const two = await encryptBuffer(seededBytes(2 * CS, 3), KEY, { chunkSize: CS });
    const header = two.subarray(0, 22);
    const nonce = Buffer.concat([header.subarray(14, 22), Buffer.alloc(4)]);
    const cipher = createCipheriv('aes-256-gcm', KEY, nonce);
    cipher.setAAD(Buffer.concat([header, Buffer.alloc(4), Buffer.of(1)]));
    const plain0 = seededBytes(2 * CS, 3).subarray(0, CS);
    const forged = Buffer.concat([
      header,
      cipher.update(plain0),
      cipher.final(),
      cipher.getAuthTag(),
      two.subarray(chunkOffset(1, CS)),
    ]);
    expect(forged).toHaveLength(two.length);
    await refuses(forged, /chunk 0 failed/);
  });

  it('the wrong key', async () => {
    await expect(decryptBuffer(blob, randomBytes(32))).rejects.toThrow(/chunk 0 failed/);
  });

  it('input that is not bytes', async () => {
    await expect(runThrough(createDecryptStream({ key: KEY }), ['text' as never])).rejects.toThrow(
      Jbx1Error,
    );
  });

  it('the plaintext of a good chunk before a bad one is released, never the bad one', async () => {
    const bad = flip(chunkOffset(2, CS) + 3);
    const seen: Buffer[] = [];
    const stream = createDecryptStream({ key: KEY });
    stream.on('data', (chunk: Buffer) => seen.push(chunk));
    const done = new Promise((_resolve, reject) => stream.on('error', reject));
    for (const piece of pieces(bad, [CS])) stream.write(piece);
    stream.end();
    await expect(done).rejects.toThrow(/chunk 2 failed/);
    expect(Buffer.concat(seen)).toEqual(plain.subarray(0, 2 * CS));
  });
});

describe('encryptFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jbx1-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('encrypts a file and reports the hashes a manifest needs', async () => {
    const plain = seededBytes(200_000, 11);
    await writeFile(join(dir, 'in.bin'), plain);
    const result = await encryptFile(join(dir, 'in.bin'), join(dir, 'out.jbx'), KEY);
    const blob = await readFile(join(dir, 'out.jbx'));
    expect(result).toEqual({
      plaintextLength: plain.length,
      size: blob.length,
      sha256: createHash('sha256').update(blob).digest('hex'),
      plainSha256: createHash('sha256').update(plain).digest('hex'),
    });
    expect(blob.length).toBe(encryptedSize(plain.length));
    expect(await decryptBuffer(blob, KEY)).toEqual(plain);
  });

  it('an empty file', async () => {
    await writeFile(join(dir, 'empty'), '');
    const result = await encryptFile(join(dir, 'empty'), join(dir, 'empty.jbx'), KEY, {
      chunkSize: CS,
    });
    expect(result.size).toBe(38);
    expect(await decryptBuffer(await readFile(join(dir, 'empty.jbx')), KEY)).toHaveLength(0);
  });

  it('a missing source rejects', async () => {
    await expect(encryptFile(join(dir, 'nope'), join(dir, 'x.jbx'), KEY)).rejects.toThrow(/ENOENT/);
  });
});
