import { describe, expect, it } from 'vitest';
import { ISRC_PATTERN, parseIsrc } from './isrc.js';

describe('parseIsrc', () => {
  it.each([
    ['USS1Z9900001', 'USS1Z9900001'],
    ['us-s1z-99-00001', 'USS1Z9900001'],
    ['  GB-AYE-05-00123 ', 'GBAYE0500123'],
    ['ISRC: FR Z03 91 00001', 'FRZ039100001'],
    ['isrc us‐s1z‐99‐00001', 'USS1Z9900001'], // Unicode hyphens, as word processors write them
    ['ZZ00A2500001', 'ZZ00A2500001'],
  ])('normalises %j to %s', (raw, expected) => {
    expect(parseIsrc(raw)).toBe(expected);
    expect(ISRC_PATTERN.test(expected)).toBe(true);
  });

  it.each([
    '',
    'USS1Z990000', // 11 characters
    'USS1Z99000011', // 13
    'U1S1Z9900001', // digit in the country code
    'USS1Z9A00001', // letter in the year
    'USS1Z99O0001', // letter O for zero in the designation
    'US_S1Z_99_00001', // underscores are not a separator
    'USS1Z9900001X',
    'ÜSS1Z9900001',
    'US-S1Z-99-00001; GB-AYE-05-00123', // two codes in one tag
  ])('rejects %j', (raw) => {
    expect(parseIsrc(raw)).toBeNull();
  });
});
