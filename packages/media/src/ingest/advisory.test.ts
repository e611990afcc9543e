import { describe, expect, it } from 'vitest';
import { advisoryValue, readAdvisory } from './advisory.js';

describe('advisoryValue', () => {
  it.each([
    [1, 'explicit'],
    [4, 'explicit'],
    ['1', 'explicit'],
    [' Explicit ', 'explicit'],
    ['true', 'explicit'],
    [2, 'clean'],
    ['clean', 'clean'],
    [0, 'none'],
    ['0', 'none'],
    [['1'], 'explicit'],
  ] as const)('reads %j as %s', (value, expected) => {
    expect(advisoryValue(value)).toBe(expected);
  });

  it.each([3, '', 'maybe', null, undefined, { a: 1 }, []])('ignores %j', (value) => {
    expect(advisoryValue(value)).toBeNull();
  });
});

describe('readAdvisory', () => {
  it('finds the iTunes advisory in MP4, ID3 and Vorbis tags, ignoring other tags', () => {
    expect(readAdvisory({ iTunes: [{ id: 'rtng', value: 1 }] })).toBe('explicit');
    expect(readAdvisory({ 'ID3v2.4': [{ id: 'TXXX:ITUNESADVISORY', value: '2' }] })).toBe('clean');
    expect(readAdvisory({ vorbis: [{ id: 'ITUNESADVISORY', value: '1' }] })).toBe('explicit');
    expect(readAdvisory({ vorbis: [{ id: 'EXPLICIT', value: 'yes' }] })).toBe('explicit');
    // A star rating is not an advisory.
    expect(readAdvisory({ 'ID3v2.3': [{ id: 'POPM', value: { rating: 1 } }] })).toBeNull();
    expect(readAdvisory({ vorbis: [{ id: 'RATING', value: '1' }] })).toBeNull();
    expect(readAdvisory({})).toBeNull();
  });

  it('lets explicit win over a clean tag elsewhere in the file', () => {
    expect(
      readAdvisory({
        'ID3v2.3': [{ id: 'TXXX:ITUNESADVISORY', value: '2' }],
        'ID3v2.4': [{ id: 'TXXX:ITUNESADVISORY', value: '1' }],
      }),
    ).toBe('explicit');
    expect(
      readAdvisory({
        vorbis: [
          { id: 'ITUNESADVISORY', value: '0' },
          { id: 'ITUNESADVISORY', value: '2' },
        ],
      }),
    ).toBe('clean');
  });
});
