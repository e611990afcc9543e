import { describe, expect, it } from 'vitest';
import { QR_QUIET_MODULES, qrMatrix, qrQuietZoneMm } from './qr.js';

describe('qrMatrix', () => {
  it('gives a square grid with the three finder patterns', () => {
    const m = qrMatrix('7K3M-9QXP-2D4F');
    expect(m.size).toBe(21); // version 1 holds a tracking number at level M
    // Each finder's corner module is dark and its 7x7 ring closes.
    for (const [x, y] of [
      [0, 0],
      [m.size - 7, 0],
      [0, m.size - 7],
    ] as const) {
      expect(m.dark(x, y) && m.dark(x + 6, y) && m.dark(x, y + 6) && m.dark(x + 6, y + 6)).toBe(
        true,
      );
      expect(m.dark(x + 1, y + 1)).toBe(false);
    }
  });

  it('grows with the text, and the quiet zone is 4 modules of the drawn size', () => {
    const long = qrMatrix(`https://shop.example/track/7K3M-9QXP-2D4F?${'x'.repeat(60)}`);
    expect(long.size).toBeGreaterThan(21);
    expect(qrQuietZoneMm('7K3M-9QXP-2D4F', 21)).toBeCloseTo(QR_QUIET_MODULES);
  });

  it('refuses empty text with bwip-js error', () => {
    expect(() => qrMatrix('')).toThrow(/empty/i);
  });
});
