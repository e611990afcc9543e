import { describe, expect, it } from 'vitest';
import { FrameCutter, MAX_WRITE_FRAMES } from './pcm.js';

describe('FrameCutter', () => {
  it('carries a partial frame into the next read, keeping byte order', () => {
    const cutter = new FrameCutter();
    const bytes = Buffer.from([...Array(11).keys()]);
    const first = cutter.push(bytes.subarray(0, 6));
    expect(Buffer.concat(first)).toEqual(bytes.subarray(0, 4));
    expect(cutter.pendingBytes).toBe(2);
    const second = cutter.push(bytes.subarray(6));
    expect(Buffer.concat(second)).toEqual(bytes.subarray(4, 8));
    expect(cutter.pendingBytes).toBe(3);
  });

  it('cuts large reads into writes of at most MAX_WRITE_FRAMES', () => {
    const cutter = new FrameCutter();
    const big = Buffer.alloc((MAX_WRITE_FRAMES * 2 + 10) * 4, 7);
    const pieces = cutter.push(big);
    expect(pieces.map((p) => p.length / 4)).toEqual([MAX_WRITE_FRAMES, MAX_WRITE_FRAMES, 10]);
    expect(cutter.pendingBytes).toBe(0);
  });

  it('does not reuse the caller’s buffer for the carry', () => {
    const cutter = new FrameCutter();
    const chunk = Buffer.from([1, 2, 3, 4, 5, 6]);
    cutter.push(chunk);
    chunk.fill(0);
    expect(Buffer.concat(cutter.push(Buffer.from([7, 8])))).toEqual(Buffer.from([5, 6, 7, 8]));
  });
});
