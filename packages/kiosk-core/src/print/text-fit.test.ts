import { describe, expect, it } from 'vitest';
import type { Measure } from './canvas.js';
import { ELLIPSIS, fitBlock, fitLine, sizesDown, truncate, wrapText } from './text-fit.js';

/** A monospaced stand-in for a font: each character is half its size wide (in mm here). */
const mono: Measure = (text, _role, sizePt) => [...text].length * sizePt * 0.5;
const at1 = (s: string) => [...s].length;

describe('wrapText', () => {
  it('breaks between words, greedily', () => {
    expect(wrapText('aa bb cc dd', at1, 5)).toEqual(['aa bb', 'cc dd']);
  });

  it('gives each line its own room (a circle), the last room repeating', () => {
    expect(wrapText('aa bb cc dd ee', at1, [2, 5])).toEqual(['aa', 'bb cc', 'dd ee']);
  });

  it('cuts a word wider than a line between characters', () => {
    expect(wrapText('abcdefghij k', at1, 4)).toEqual(['abcd', 'efgh', 'ij k']);
  });

  it('cuts by code points, never inside a surrogate pair', () => {
    expect(wrapText('𝄞𝄞𝄞', at1, 2)).toEqual(['𝄞𝄞', '𝄞']);
  });

  it('yields nothing for blank text, and one character per line in no room', () => {
    expect(wrapText('  \t ', at1, 5)).toEqual([]);
    expect(wrapText('abc', at1, 0)).toEqual(['a', 'b', 'c']);
  });
});

describe('truncate', () => {
  it('keeps what fits and ends with an ellipsis', () => {
    expect(truncate('abcdef', at1, 6)).toBe('abcdef');
    expect(truncate('abcdef', at1, 4)).toBe(`abc${ELLIPSIS}`);
    expect(truncate('ab  cdef', at1, 4)).toBe(`ab${ELLIPSIS}`);
    expect(truncate('abcdef', at1, 0)).toBe('');
  });
});

describe('fitLine and fitBlock', () => {
  it('shrinks a line to fit, then cuts it at the smallest size', () => {
    expect(fitLine(mono, 'abcd', 'bold', 20, 10, 4)).toEqual({ text: 'abcd', sizePt: 10 });
    expect(fitLine(mono, 'abcdefgh', 'bold', 20, 10, 4)).toEqual({ text: 'abcdefgh', sizePt: 5 });
    expect(fitLine(mono, 'abcdefghijkl', 'bold', 20, 10, 4)).toEqual({
      text: `abcdefghi${ELLIPSIS}`,
      sizePt: 4,
    });
  });

  it('takes the largest size at which the wrapped block fits the box', () => {
    const r = fitBlock(mono, 'one two three four', 'regular', {
      widthMm: 30,
      heightMm: 10,
      maxPt: 12,
      minPt: 4,
    });
    expect(r.lines.join(' ')).toBe('one two three four');
    for (const line of r.lines) expect(mono(line, 'regular', r.sizePt)).toBeLessThanOrEqual(30);
    expect((r.lines.length * r.sizePt * 1.2) / (72 / 25.4)).toBeLessThanOrEqual(10);
    // One size up would not have fitted.
    expect(r.sizePt).toBeLessThan(12);
  });

  it('cuts the last line when the text cannot fit even at the smallest size', () => {
    const r = fitBlock(mono, 'word '.repeat(200), 'regular', {
      widthMm: 20,
      heightMm: 5,
      maxPt: 10,
      minPt: 5,
      maxLines: 2,
    });
    expect(r.sizePt).toBe(5);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[1]!.endsWith(ELLIPSIS)).toBe(true);
    for (const line of r.lines) expect(mono(line, 'regular', 5)).toBeLessThanOrEqual(20);
  });

  it('counts sizes down in half points', () => {
    expect(sizesDown(6, 4)).toEqual([6, 5.5, 5, 4.5, 4]);
  });
});
