/** Helpers for JBX1 tests: whole-buffer encrypt/decrypt through the real streams. */
import { Readable } from 'node:stream';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptStream } from '../jbx1/decrypt-stream.js';
import { createEncryptStream } from '../jbx1/encrypt-stream.js';

/** Splits `data` into pieces of the given sizes (cycled), to feed streams unevenly. */
export function pieces(data: Buffer, sizes: readonly number[] = [data.length || 1]): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  let i = 0;
  while (offset < data.length) {
    const size = Math.max(1, sizes[i++ % sizes.length] ?? 1);
    out.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}

export async function runThrough(transform: Transform, input: Buffer[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(Readable.from(input), transform, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

export function encryptBuffer(
  plain: Buffer,
  key: Buffer,
  options: { chunkSize?: number; noncePrefix?: Buffer; pieceSizes?: number[] } = {},
): Promise<Buffer> {
  const { pieceSizes, ...rest } = options;
  return runThrough(
    createEncryptStream({ key, plaintextLength: plain.length, ...rest }),
    pieces(plain, pieceSizes),
  );
}

export function decryptBuffer(blob: Buffer, key: Buffer, pieceSizes?: number[]): Promise<Buffer> {
  return runThrough(createDecryptStream({ key }), pieces(blob, pieceSizes));
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function seededBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  for (; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
