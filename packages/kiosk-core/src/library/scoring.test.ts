import { describe, expect, it } from 'vitest';
import { fieldWords, score, scoreWords } from './scoring.js';

describe('score', () => {
  it('prefers title over artist over album, and whole words over prefixes', () => {
    const title = score(['Love', 'Zoë', null], ['love'])!;
    const artist = score(['Halo', 'Love Inc', null], ['love'])!;
    const album = score(['Halo', 'Zoë', 'Love Songs'], ['love'])!;
    expect(title).toBeGreaterThan(artist);
    expect(artist).toBeGreaterThan(album);
    expect(score(['Love'], ['lov'])!).toBeLessThan(score(['Love'], ['love'])!);
  });

  it('folds accents and case, and disqualifies a row missing a word', () => {
    expect(score(['Crazy', 'Beyoncé'], ['beyon'])).not.toBeNull();
    expect(score(['Crazy', 'Beyoncé'], ['beyon', 'x'])).toBeNull();
    expect(score(['Crazy', 'Beyoncé'], [])).toBe(0);
  });

  it('scores pre-split fields exactly like raw ones', () => {
    const rows: (string | null)[][] = [
      ['Crazy in Love', 'Beyoncé', 'Dangerously in Love'],
      ['Øystein', 'Straße', null],
      ["It's a Man's World", 'James Brown', 'ÆTHER'],
    ];
    for (const fields of rows) {
      for (const words of [
        ['love'],
        ['in', 'lo'],
        ['oystein'],
        ['strasse'],
        ['aether', 'it'],
        ['x'],
      ]) {
        expect(
          scoreWords(
            fields.map((f) => (f ? fieldWords(f) : [])),
            words,
          ),
        ).toBe(score(fields, words));
      }
    }
  });
});

describe('fieldWords', () => {
  it('splits on anything but letters and digits and folds like typed text', () => {
    expect(fieldWords("It's Rock-n-Roll (Live) 2")).toEqual([
      'it',
      's',
      'rock',
      'n',
      'roll',
      'live',
      '2',
    ]);
    expect(fieldWords('Øystein Sørensen, Straße, Æther, Yılmaz')).toEqual([
      'oystein',
      'sorensen',
      'strasse',
      'aether',
      'yilmaz',
    ]);
    expect(fieldWords('  *** ')).toEqual([]);
  });
});
