import { describe, expect, it } from 'vitest';
import {
  CD_TEXT_PACK_BYTES,
  CD_TEXT_PACK_LIMIT,
  fitCdText,
  packsFor,
  toLatin1,
  tocString,
} from './cd-text.js';

describe('toLatin1', () => {
  it('keeps ASCII and Latin-1 letters as they are', () => {
    expect(toLatin1('Café del Mar, Ærøskøbing ½ ß')).toEqual({
      text: 'Café del Mar, Ærøskøbing ½ ß',
      changed: false,
    });
  });

  it('composes a decomposed accent first (e + U+0301 is é, which Latin-1 has)', () => {
    expect(toLatin1('Cafe\u0301')).toEqual({ text: 'Café', changed: false });
  });

  it('transliterates what has a Latin rendering', () => {
    expect(toLatin1('Motörhead – “Ace” ’n’ Łódź, Œuvre, Dvořák, ﬁve…, 5 €, Gödelő™').text).toBe(
      `Motörhead - "Ace" 'n' Lódz, OEuvre, Dvorák, five..., 5 EUR, GödeloTM`,
    );
  });

  it('replaces each character without one by "?" and drops invisible ones', () => {
    expect(toLatin1('Кино 東京 🎵')).toEqual({ text: '???? ?? ?', changed: true });
    expect(toLatin1('a\u200bb\u200ec\ufe0f').text).toBe('abc');
  });

  it('turns control characters into spaces', () => {
    expect(toLatin1('a\tb\u0085c')).toEqual({ text: 'a b c', changed: true });
  });
});

describe('tocString', () => {
  it('escapes quotes and backslashes', () => {
    expect(tocString('Say "Hi" \\o/')).toBe('"Say \\"Hi\\" \\\\o/"');
  });

  it('writes bytes above 0x7E as three-digit octal escapes, so the TOC is ASCII', () => {
    expect(tocString('Café ÿ')).toBe('"Caf\\351 \\377"');
    expect(tocString('é1')).toBe('"\\3511"');
    expect(tocString('\u00a0')).toBe('"\\240"');
  });

  it('refuses what is not printable Latin-1 (toLatin1 must come first)', () => {
    expect(() => tocString('Ł')).toThrow(RangeError);
    expect(() => tocString('a\nb')).toThrow(RangeError);
  });
});

describe('packsFor', () => {
  it('counts each string with its NUL, and a NUL for each entry without a string', () => {
    expect(packsFor(['abcdefghijk'], 1)).toBe(1); // 11 + 1 = 12 bytes
    expect(packsFor(['abcdefghijkl'], 1)).toBe(2);
    expect(packsFor(['R1'], 100)).toBe(Math.ceil((3 + 99) / CD_TEXT_PACK_BYTES));
  });
});

describe('fitCdText', () => {
  const disc = { title: 'Kiosk Mix', performer: 'Various', recordingId: 'RABCDEFGHJKMNPQRS' };

  it('leaves a usual disc alone', () => {
    const tracks = Array.from({ length: 15 }, (_, i) => ({
      title: `A song with a fairly long title number ${i + 1}`,
      performer: 'An Artist With A Long Name',
    }));
    const fitted = fitCdText({ ...disc, tracks });
    expect(fitted.tracks).toEqual(tracks);
    expect(fitted.notes).toEqual([]);
  });

  it('shortens only the longest track strings when 99 long titles would overflow a block', () => {
    const tracks = Array.from({ length: 99 }, (_, i) => ({
      title: i === 0 ? 'Short' : `Track ${i + 1} `.padEnd(300, 'x'),
      performer: 'P'.repeat(80),
    }));
    const fitted = fitCdText({ ...disc, title: 'T'.repeat(80), performer: 'V'.repeat(80), tracks });
    const cap = Math.max(...fitted.tracks.map((t) => t.title.length));
    expect(cap).toBeGreaterThanOrEqual(10);
    expect(fitted.tracks[0]!.title).toBe('Short');
    expect(fitted.tracks[5]!.title).toBe(tracks[5]!.title.slice(0, cap));
    expect(fitted.disc.title).toBe('T'.repeat(80));
    const total = (strings: string[]) => packsFor(strings, 100);
    const used =
      total([fitted.disc.title, ...fitted.tracks.map((t) => t.title)]) +
      total([fitted.disc.performer, ...fitted.tracks.map((t) => t.performer)]) +
      2 * total([disc.recordingId]);
    expect(used).toBeLessThanOrEqual(CD_TEXT_PACK_LIMIT);
    // One character more for everyone would not have fitted.
    const longer =
      total([fitted.disc.title, ...tracks.map((t) => t.title.slice(0, cap + 1))]) +
      total([fitted.disc.performer, ...tracks.map((t) => t.performer.slice(0, cap + 1))]) +
      2 * total([disc.recordingId]);
    expect(longer).toBeGreaterThan(CD_TEXT_PACK_LIMIT);
    expect(fitted.notes).toEqual([
      `track titles and performers longer than ${cap} characters shortened to fit CD-TEXT (252 packs of 12 bytes)`,
    ]);
  });

  it('notes each field it transliterated', () => {
    const fitted = fitCdText({ ...disc, tracks: [{ title: 'Кино', performer: 'Ok' }] });
    expect(fitted.tracks[0]).toEqual({ title: '????', performer: 'Ok' });
    expect(fitted.notes).toEqual([
      'track 1 title: characters outside ISO 8859-1 transliterated or replaced by "?"',
    ]);
  });
});
