import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  hashEnrollmentCode,
  newEnrollmentCode,
  normalizeEnrollmentCode,
} from './enrollment-code.js';
import { normalizeRequestText, playTrackKey } from './normalize.js';

describe('song request normalisation', () => {
  it.each([
    ['Café  del MAR', 'cafe del mar'],
    ['  ÇA PLANE\tpour\n moi ', 'ca plane pour moi'],
    ['Motörhead', 'motorhead'],
    ['ｆｕｌｌ ｗｉｄｔｈ', 'full width'],
    ['Sigur Rós — Hoppípolla', 'sigur ros — hoppipolla'],
    ['', ''],
  ])('%j -> %j', (input, output) => {
    expect(normalizeRequestText(input)).toBe(output);
  });

  it('keys plays by catalog track, else by normalised artist and title', () => {
    expect(playTrackKey({ catalogId: 'trk-1', title: 'A', artist: 'B' })).toBe('catalog:trk-1');
    expect(playTrackKey({ title: ' Héroes ', artist: 'DAVID  Bowie' })).toBe(
      'local:david bowie|heroes',
    );
  });
});

describe('enrollment codes', () => {
  it('are 12 characters of the alphabet in dashed groups, and differ', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newEnrollmentCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[^-]{4}-[^-]{4}-[^-]{4}$/);
      const bare = normalizeEnrollmentCode(code);
      expect(bare).toHaveLength(CODE_LENGTH);
      for (const ch of bare) expect(CODE_ALPHABET).toContain(ch);
    }
    expect(CODE_ALPHABET).not.toMatch(/[01ILOUV]/);
  });

  it('hash the same however the box spells the code', () => {
    const h = hashEnrollmentCode('K7QH-2MXR-9TPD');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEnrollmentCode('k7qh2mxr9tpd')).toBe(h);
    expect(hashEnrollmentCode('K7QH-2MXR-9TPE')).not.toBe(h);
  });
});
