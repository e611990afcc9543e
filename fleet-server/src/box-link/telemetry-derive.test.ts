import { describe, expect, it } from 'vitest';
import { isoMs } from './telemetry-derive.js';

describe('isoMs', () => {
  it('reads toISOString output exactly as Date.parse does', () => {
    const wrong: string[] = [];
    // Every day of leap years (2000 and 2400 among them) and of years that are not (1900,
    // 2100), around the epoch and the ends of the range, at an awkward time of day.
    for (const year of [1000, 1600, 1900, 1969, 1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999]) {
      for (let t = Date.UTC(year, 0, 1, 23, 59, 59, 999); new Date(t).getUTCFullYear() === year;) {
        const iso = new Date(t).toISOString();
        if (isoMs(iso) !== Date.parse(iso)) wrong.push(iso);
        t += 86_400_000 + 1_234_567;
      }
    }
    expect(wrong).toEqual([]);
  });

  it('leaves every other form, and every malformed one, to Date.parse', () => {
    const texts = [
      '2026-01-01T10:00:00Z',
      '2026-01-01T10:00:00.5Z',
      '2026-01-01T10:00:00.123456Z',
      '2026-02-29T10:00:00.000Z', // not a leap year: rolls over like Date.parse
      '2026-02-30T10:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '0050-01-01T00:00:00.000Z', // Date.UTC would read 1950
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-01-01T00:60:00.000Z',
      '2026-01-01T-1:00:00.000Z',
      '2026-01-01T00:00:00.0x0Z',
      '2026-01-01 00:00:00.000Z',
      '2026-01-01T00:00:00.000+',
      'yesterday, or so, really',
      '',
    ];
    for (const text of texts) expect(isoMs(text), text).toEqual(Date.parse(text));
  });
});
