import { describe, expect, it } from 'vitest';
import { applyGain, clampVolume, volumeToGain } from './volume.js';

function pcmOf(samples: number[]): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => buf.writeInt16LE(s, i * 2));
  return buf;
}

function samplesOf(buf: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at < buf.length; at += 2) out.push(buf.readInt16LE(at));
  return out;
}

describe('volumeToGain', () => {
  it('maps the ends of the knob to silence and unity', () => {
    expect(volumeToGain(0)).toBe(0);
    expect(volumeToGain(100)).toBe(1);
  });

  it('is dB-linear and strictly increasing in between', () => {
    const db = (v: number) => 20 * Math.log10(volumeToGain(v));
    expect(db(1)).toBeCloseTo(-50, 6);
    expect(db(60) - db(50)).toBeCloseTo(db(90) - db(80), 6);
    for (let v = 1; v < 100; v++) expect(volumeToGain(v + 1)).toBeGreaterThan(volumeToGain(v));
  });

  it('clamps out-of-range and non-finite input', () => {
    expect(clampVolume(150)).toBe(100);
    expect(clampVolume(-3)).toBe(0);
    expect(clampVolume(Number.NaN)).toBe(0);
    expect(clampVolume(49.6)).toBe(50);
  });
});

describe('applyGain', () => {
  it('returns the very same buffer at unity gain (bit-exact full volume)', () => {
    const pcm = pcmOf([1, -2, 32767, -32768]);
    expect(applyGain(pcm, 1)).toBe(pcm);
  });

  it('scales with rounding and leaves the input untouched', () => {
    const pcm = pcmOf([1000, -1000, 3, -3]);
    expect(samplesOf(applyGain(pcm, 0.5))).toEqual([500, -500, 2, -1]);
    expect(samplesOf(pcm)).toEqual([1000, -1000, 3, -3]);
  });

  it('clamps to the 16-bit range instead of wrapping', () => {
    expect(samplesOf(applyGain(pcmOf([30000, -30000, 100]), 2))).toEqual([32767, -32768, 200]);
  });

  it('silences at zero gain', () => {
    expect(samplesOf(applyGain(pcmOf([5, -5]), 0))).toEqual([0, 0]);
  });
});
