import { describe, expect, it } from 'vitest';
import { PrefixIndex } from './prefix-index.js';
import { fieldWords } from './scoring.js';

/** A track-like row: title, artist, album. */
const row = (title: string, artist: string, album = '') =>
  [title, artist, album].map((f) => fieldWords(f));

function sample(): PrefixIndex {
  const index = new PrefixIndex();
  index.set(3, row('Hey Jude', 'The Beatles', 'Past Masters'));
  index.set(1, row('Let It Be', 'The Beatles', 'Let It Be'));
  index.set(7, row('Beat It', 'Michael Jackson'));
  index.set(5, row('Crazy in Love', 'Beyoncé', 'Dangerously in Love'));
  index.set(9, row('Halo', 'Beyoncé'));
  return index;
}

describe('PrefixIndex', () => {
  it('finds rows by word prefixes in any field, ANDed, by ascending id', () => {
    const index = sample();
    expect(index.matches(['be'], 10, null)).toEqual([1, 3, 5, 7, 9]);
    expect(index.matches(['beat'], 10, null)).toEqual([1, 3, 7]);
    expect(index.matches(['beat', 'it'], 10, null)).toEqual([1, 7]);
    expect(index.matches(['it', 'beat'], 10, null)).toEqual([1, 7]);
    expect(index.matches(['beyonce', 'love'], 10, null)).toEqual([5]);
    expect(index.matches(['lov', 'lo', 'l'], 10, null)).toEqual([5]);
    expect(index.matches(['zz'], 10, null)).toEqual([]);
    expect(index.matches(['be', 'zz'], 10, null)).toEqual([]);
    expect(index.matches([], 10, null)).toEqual([]);
  });

  it('stops at the limit and skips rows that `keep` refuses', () => {
    const index = sample();
    expect(index.matches(['be'], 2, null)).toEqual([1, 3]);
    expect(index.matches(['be'], 2, (id) => id > 3)).toEqual([5, 7]);
    expect(index.matches(['be'], 0, null)).toEqual([]);
  });

  it('counts up to a cap, and counts again after a change', () => {
    const index = sample();
    expect(index.count(['be'], 100)).toBe(5);
    expect(index.count(['be'], 3)).toBe(3);
    expect(index.count(['beat', 'it'], 100)).toBe(2);
    index.delete(7);
    expect(index.count(['be'], 100)).toBe(4);
    expect(index.count(['beat', 'it'], 100)).toBe(1);
  });

  it('replaces a row set again, and forgets words no row has any more', () => {
    const index = sample();
    index.set(9, row('Single Ladies', 'Beyoncé'));
    expect(index.matches(['halo'], 10, null)).toEqual([]);
    expect(index.matches(['sing'], 10, null)).toEqual([9]);
    const words = index.words;
    expect(index.delete(9)).toBe(true);
    expect(index.delete(9)).toBe(false);
    expect(index.words).toBe(words - 2);
    expect(index.size).toBe(4);
    expect(index.fields(9)).toBeUndefined();
    // A word that went and comes back is found once.
    index.set(11, row('Single', 'Nobody'));
    index.set(12, row('Single', 'Somebody'));
    expect(index.matches(['single'], 10, null)).toEqual([11, 12]);
  });

  it('walks words with many rows and prefixes spanning many words alike', () => {
    const index = new PrefixIndex();
    const words = ['ta', 'tb', 'tc', 'td', 'te', 'tf', 'tg'];
    for (let id = 1; id <= 700; id++) {
      const tags = id % 5 === 0 ? [`x${'abc'.charAt(id % 3)}`] : [];
      index.set(id, [
        [words[id % 7] as string, words[(id * 3) % 7] as string],
        [`n${id % 10}`],
        tags,
      ]);
    }
    const expected = (test: (id: number) => boolean) =>
      Array.from({ length: 700 }, (_, i) => i + 1).filter(test);
    // "t" spans seven words: a merge of seven lists, each id once.
    expect(index.matches(['t'], 1000, null)).toEqual(expected(() => true));
    expect(index.matches(['t', 'n3'], 1000, null)).toEqual(expected((id) => id % 10 === 3));
    expect(index.matches(['n3', 't'], 1000, null)).toEqual(expected((id) => id % 10 === 3));
    expect(index.matches(['ta', 'tb'], 1000, null)).toEqual(
      expected((id) => [id % 7, (id * 3) % 7].includes(0) && [id % 7, (id * 3) % 7].includes(1)),
    );
    // "x" spans three words, checked by stepping through their lists beside the "n3" rows.
    expect(index.matches(['n3', 'x'], 1000, null)).toEqual(expected(() => false));
    expect(index.matches(['n5', 'x'], 1000, null)).toEqual(expected((id) => id % 10 === 5));
    expect(index.matches(['n0', 'xb'], 1000, null)).toEqual(
      expected((id) => id % 10 === 0 && id % 3 === 1),
    );
    expect(index.matches(['n', 'ta'], 1000, null)).toEqual(
      expected((id) => id % 7 === 0 || (id * 3) % 7 === 0),
    );
  });

  it('shares the strings of words it already has', () => {
    const index = sample();
    const words = index.intern(fieldWords('Beat Jude Newword'));
    expect(words).toEqual(['beat', 'jude', 'newword']);
    expect(words[0]).toBe(index.fields(7)?.[0]?.[0]);
  });

  it('refuses ids that are not rowids', () => {
    const index = new PrefixIndex();
    expect(() => index.set(-1, [['x']])).toThrow(/row id -1/);
    expect(() => index.set(2 ** 31, [['x']])).toThrow(/outside/);
    expect(() => index.set(1.5, [['x']])).toThrow(/row id 1.5/);
  });
});
