import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptBuffer, seededBytes } from '../test-support/jbx1.js';
import { chunkOffset, Jbx1Error } from './format.js';
import { createPlaintextReadStream, openEncryptedBlob } from './random-access.js';

const KEY = randomBytes(32);
const CS = 256;
const plain = seededBytes(20 * CS + 77, 42);
let dir: string;
let blobPath: string;
let blob: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jbx1-ra-'));
  blob = await encryptBuffer(plain, KEY, { chunkSize: CS });
  blobPath = join(dir, 'track.jbx');
  await writeFile(blobPath, blob);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeVariant(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('openEncryptedBlob', () => {
  it('reads random ranges equal to slices of the plaintext', async () => {
    const reader = await openEncryptedBlob(blobPath, KEY);
    try {
      expect(reader.plaintextLength).toBe(plain.length);
      expect(reader.chunkSize).toBe(CS);
      await fc.assert(
        fc.asyncProperty(fc.nat(plain.length), fc.nat(plain.length), async (a, b) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          expect((await reader.read(start, end)).equals(plain.subarray(start, end))).toBe(true);
        }),
        { numRuns: 200 },
      );
    } finally {
      await reader.close();
    }
  });

  it('serves concurrent reads on one handle', async () => {
    const reader = await openEncryptedBlob(blobPath, KEY);
    try {
      const ranges = Array.from({ length: 20 }, (_, i) => [i * 250, i * 250 + 300] as const);
      const parts = await Promise.all(ranges.map(([a, b]) => reader.read(a, b)));
      parts.forEach((part, i) => {
        const [a, b] = ranges[i]!;
        expect(part.equals(plain.subarray(a, b))).toBe(true);
      });
    } finally {
      await reader.close();
    }
  });

  it('reads the edges: whole, empty, chunk boundaries, last byte', async () => {
    const reader = await openEncryptedBlob(blobPath, KEY);
    try {
      expect(await reader.read(0, plain.length)).toEqual(plain);
      expect(await reader.read(5, 5)).toHaveLength(0);
      expect(await reader.read(CS, 2 * CS)).toEqual(plain.subarray(CS, 2 * CS));
      expect(await reader.read(CS - 1, CS + 1)).toEqual(plain.subarray(CS - 1, CS + 1));
      expect(await reader.read(plain.length - 1, plain.length)).toEqual(plain.subarray(-1));
    } finally {
      await reader.close();
    }
  });

  it('refuses ranges outside the plaintext', async () => {
    const reader = await openEncryptedBlob(blobPath, KEY);
    try {
      await expect(reader.read(-1, 2)).rejects.toThrow(RangeError);
      await expect(reader.read(3, 2)).rejects.toThrow(RangeError);
      await expect(reader.read(0, plain.length + 1)).rejects.toThrow(RangeError);
      await expect(reader.read(0.5, 2)).rejects.toThrow(RangeError);
    } finally {
      await reader.close();
    }
  });

  it('an empty blob', async () => {
    const path = await writeVariant('empty.jbx', await encryptBuffer(Buffer.alloc(0), KEY));
    const reader = await openEncryptedBlob(path, KEY);
    expect(reader.plaintextLength).toBe(0);
    expect(await reader.read(0, 0)).toHaveLength(0);
    await reader.close();
  });

  it('refuses truncated and extended files at open', async () => {
    for (const bytes of [
      blob.subarray(0, blob.length - 1),
      blob.subarray(0, chunkOffset(3, CS)),
      Buffer.concat([blob, Buffer.of(0)]),
      blob.subarray(0, 10),
    ]) {
      const path = await writeVariant('cut.jbx', bytes);
      await expect(openEncryptedBlob(path, KEY)).rejects.toThrow(Jbx1Error);
    }
  });

  it('refuses a tampered chunk when a read touches it, and only then', async () => {
    const tampered = Buffer.from(blob);
    tampered[chunkOffset(5, CS) + 10]! ^= 0x04;
    const reader = await openEncryptedBlob(await writeVariant('bad.jbx', tampered), KEY);
    try {
      expect(await reader.read(0, 5 * CS)).toEqual(plain.subarray(0, 5 * CS));
      await expect(reader.read(5 * CS - 1, 5 * CS + 1)).rejects.toThrow(/chunk 5 failed/);
    } finally {
      await reader.close();
    }
  });

  it('refuses the wrong key and a tampered header on the first read', async () => {
    const wrongKey = await openEncryptedBlob(blobPath, randomBytes(32));
    await expect(wrongKey.read(0, 1)).rejects.toThrow(Jbx1Error);
    await wrongKey.close();
    const header = Buffer.from(blob);
    header[14]! ^= 1; // nonce prefix
    const reader = await openEncryptedBlob(await writeVariant('hdr.jbx', header), KEY);
    await expect(reader.read(CS * 7, CS * 7 + 1)).rejects.toThrow(/chunk 7 failed/);
    await reader.close();
  });

  it('swapped chunks fail at the swapped place', async () => {
    const swapped = Buffer.from(blob);
    const size = CS + 16;
    blob.copy(swapped, chunkOffset(3, CS), chunkOffset(4, CS), chunkOffset(4, CS) + size);
    blob.copy(swapped, chunkOffset(4, CS), chunkOffset(3, CS), chunkOffset(3, CS) + size);
    const reader = await openEncryptedBlob(await writeVariant('swap.jbx', swapped), KEY);
    await expect(reader.read(3 * CS, 3 * CS + 1)).rejects.toThrow(/chunk 3 failed/);
    await reader.close();
  });

  it('a missing file rejects', async () => {
    await expect(openEncryptedBlob(join(dir, 'missing'), KEY)).rejects.toThrow(/ENOENT/);
  });
});

describe('createPlaintextReadStream', () => {
  it('streams the whole plaintext by default', async () => {
    expect(await buffer(createPlaintextReadStream(blobPath, KEY))).toEqual(plain);
  });

  it('takes an inclusive end, like fs.createReadStream and HTTP Range', async () => {
    const s = createPlaintextReadStream(blobPath, KEY, { start: 10, end: 10 });
    expect(await buffer(s)).toEqual(plain.subarray(10, 11));
  });

  it('streams random ranges equal to slices of the plaintext', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(plain.length - 1), fc.nat(plain.length - 1), async (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const out = await buffer(createPlaintextReadStream(blobPath, KEY, { start, end }));
        expect(out.equals(plain.subarray(start, end + 1))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('an open-ended range from the middle', async () => {
    const out = await buffer(createPlaintextReadStream(blobPath, KEY, { start: 1000 }));
    expect(out).toEqual(plain.subarray(1000));
  });

  it('errors on a range beyond the plaintext', async () => {
    const s = createPlaintextReadStream(blobPath, KEY, { start: 0, end: plain.length });
    await expect(buffer(s)).rejects.toThrow(RangeError);
  });

  it('errors on tamper, after the good chunks before it', async () => {
    const tampered = Buffer.from(blob);
    tampered[chunkOffset(2, CS) + 1]! ^= 0x10;
    const path = await writeVariant('bad-stream.jbx', tampered);
    const seen: Buffer[] = [];
    const s = createPlaintextReadStream(path, KEY);
    s.on('data', (chunk: Buffer) => seen.push(chunk));
    await expect(
      new Promise((resolve, reject) => s.on('end', resolve).on('error', reject)),
    ).rejects.toThrow(/chunk 2 failed/);
    expect(Buffer.concat(seen)).toEqual(plain.subarray(0, 2 * CS));
  });

  it('errors on a truncated file and a missing file', async () => {
    const path = await writeVariant('short.jbx', blob.subarray(0, blob.length - 5));
    await expect(buffer(createPlaintextReadStream(path, KEY))).rejects.toThrow(Jbx1Error);
    await expect(buffer(createPlaintextReadStream(join(dir, 'none'), KEY))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it('an empty blob streams nothing', async () => {
    const path = await writeVariant('empty2.jbx', await encryptBuffer(Buffer.alloc(0), KEY));
    expect(await buffer(createPlaintextReadStream(path, KEY))).toHaveLength(0);
  });

  it('can be destroyed midway without leaking the file handle', async () => {
    const s = createPlaintextReadStream(blobPath, KEY);
    await new Promise<void>((resolve) => s.once('data', () => resolve()));
    s.destroy();
    await new Promise((resolve) => s.on('close', resolve));
    expect(s.destroyed).toBe(true);
  });
});
