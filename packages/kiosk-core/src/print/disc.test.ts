import { describe, expect, it } from 'vitest';
import { formatDuration, formatPlacedAt, parsePrintableDisc, qrPayload } from './disc.js';
import { PrintError } from './errors.js';
import { discOf } from './test-support/discs.js';

describe('formatDuration', () => {
  it('is m:ss, rounded to the second, minutes past 59 kept', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59_499)).toBe('0:59');
    expect(formatDuration(59_500)).toBe('1:00');
    expect(formatDuration(187_000)).toBe('3:07');
    expect(formatDuration(79 * 60_000 + 59_000)).toBe('79:59');
  });
});

describe('formatPlacedAt', () => {
  it('is the local date and time', () => {
    expect(formatPlacedAt(new Date(2026, 0, 5, 9, 7))).toBe('2026-01-05 09:07');
  });
});

describe('parsePrintableDisc', () => {
  it('accepts a good disc; the QR holds the URL when there is one', () => {
    const disc = parsePrintableDisc(discOf(3));
    expect(qrPayload(disc)).toBe('7K3M-9QXP-2D4F');
    expect(qrPayload({ ...disc, trackingUrl: 'https://x.example/t' })).toBe('https://x.example/t');
  });

  it('names every bad field at once', () => {
    const bad = {
      ...discOf(2),
      shopName: '',
      totalMs: 1.5,
      tracks: [{ title: 'ok', artist: 'ok', durationMs: -1 }],
    };
    try {
      parsePrintableDisc(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PrintError);
      const msg = (e as PrintError).message;
      expect(msg).toContain('tracks.0.durationMs: the track duration cannot be negative');
      expect(msg).toContain('totalMs: the total time is not a whole number of milliseconds');
      expect(msg).toContain('shopName: the shop name is empty');
    }
  });

  it('refuses things that are not discs at all', () => {
    for (const junk of [null, 42, 'disc', [], { tracks: 'many' }]) {
      expect(() => parsePrintableDisc(junk)).toThrow(PrintError);
    }
  });
});
