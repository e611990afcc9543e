import { describe, expect, it } from 'vitest';
import { addRefusal, capacityText, discSectors, sectorsClock } from './disc-math.js';

const limits = { capacitySectors: 360_000, limits: { maxTracks: 99, minTrackMs: 4_000 } };

describe('disc math', () => {
  it('counts the pregap and pads every track to whole sectors', () => {
    expect(discSectors([])).toBe(150);
    expect(discSectors([1_000])).toBe(150 + 75);
    // 1001 ms is 75.075 sectors: the partial sector is a whole one on the disc.
    expect(discSectors([1_001, 1_001])).toBe(150 + 76 + 76);
  });

  it('shows sectors as minutes and seconds, used rounded up, room rounded down', () => {
    expect(sectorsClock(0, 'up')).toBe('0:00');
    expect(sectorsClock(76, 'up')).toBe('0:02');
    expect(sectorsClock(76, 'down')).toBe('0:01');
    expect(sectorsClock(359_850, 'down')).toBe('79:58');
    expect(sectorsClock(-5, 'up')).toBe('0:00');
  });

  it('describes the capacity as music against room for music', () => {
    expect(capacityText(150, 360_000)).toBe('0:00 of 79:58');
    expect(capacityText(150 + 52 * 60 * 75 + 13 * 75, 360_000)).toBe('52:13 of 79:58');
    expect(capacityText(150, 333_000)).toBe('0:00 of 73:58');
  });

  it('refuses a track under the minimum length, and takes one exactly at it', () => {
    expect(addRefusal(limits, [], 3_999)).toEqual({
      code: 'track-too-short',
      message: 'Too short for a CD: a track must last at least 4 seconds',
    });
    expect(addRefusal(limits, [], 4_000)).toBeNull();
  });

  it('refuses a 100th track', () => {
    const full = Array.from({ length: 99 }, () => 5_000);
    expect(addRefusal(limits, full.slice(1), 5_000)).toBeNull();
    expect(addRefusal(limits, full, 5_000)?.code).toBe('too-many-tracks');
  });

  it('takes a track that fills the disc to the last sector, not one sector more', () => {
    // 359,850 sectors of room: two tracks of 179,925 sectors (2,399 s) fill it exactly.
    const half = 2_399_000;
    expect(addRefusal(limits, [half], half)).toBeNull();
    expect(addRefusal(limits, [half], half + 1)).toEqual({
      code: 'over-capacity',
      message: 'Does not fit: 39:59 left on the disc',
    });
  });
});
