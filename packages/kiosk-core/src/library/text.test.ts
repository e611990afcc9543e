import { describe, expect, it } from 'vitest';
import { foldKey, ftsQuery, letterOf } from './text.js';

describe('foldKey / letterOf', () => {
  it('files accented and special letters under their base letter', () => {
    expect(letterOf(foldKey('Édith Piaf'))).toBe('E');
    expect(letterOf(foldKey('Øystein'))).toBe('O');
    expect(letterOf(foldKey('zoë'))).toBe('Z');
    expect(foldKey('Beyoncé')).toBe('beyonce');
  });

  it("puts digits, symbols and other scripts under '#'", () => {
    expect(letterOf(foldKey('2Pac'))).toBe('#');
    expect(letterOf(foldKey('!!!'))).toBe('#');
    expect(letterOf(foldKey('Кино'))).toBe('#');
    expect(letterOf(foldKey(''))).toBe('#');
  });
});

describe('ftsQuery', () => {
  it('makes every word a quoted prefix term', () => {
    expect(ftsQuery('Bea  sub')).toBe('"bea"* "sub"*');
  });

  it('never lets FTS operators or quotes through', () => {
    expect(ftsQuery('"a" OR b* -c NEAR(d e)')).toBe('"a"* "or"* "b"* "c"* "near"* "d"* "e"*');
    expect(ftsQuery('  "*-()  ')).toBeNull();
    expect(ftsQuery('')).toBeNull();
  });
});
