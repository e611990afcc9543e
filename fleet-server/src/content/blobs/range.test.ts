import { describe, expect, it } from 'vitest';
import { contentRange, decideRange, unsatisfiedRange } from './range.js';

describe('decideRange', () => {
  const size = 1000;

  it('serves the whole blob without a usable Range', () => {
    for (const header of [undefined, '', '   ', 'items=0-5', 'bytes=0-1,5-9']) {
      expect(decideRange(header, size), String(header)).toEqual({ kind: 'full' });
    }
  });

  it('serves open, closed and suffix ranges', () => {
    expect(decideRange('bytes=0-0', size)).toEqual({ kind: 'partial', start: 0, end: 0 });
    expect(decideRange('bytes=100-', size)).toEqual({ kind: 'partial', start: 100, end: 999 });
    expect(decideRange('bytes=100-199', size)).toEqual({ kind: 'partial', start: 100, end: 199 });
    expect(decideRange('BYTES = 5 - 9', size)).toEqual({ kind: 'partial', start: 5, end: 9 });
    expect(decideRange('bytes=-10', size)).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(decideRange('bytes=999-', size)).toEqual({ kind: 'partial', start: 999, end: 999 });
  });

  it('clamps an end or a suffix beyond the blob', () => {
    expect(decideRange('bytes=900-5000', size)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(decideRange('bytes=-5000', size)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(decideRange(`bytes=0-${'9'.repeat(40)}`, size)).toEqual({
      kind: 'partial',
      start: 0,
      end: 999,
    });
  });

  it('refuses ranges that cannot be satisfied or are malformed', () => {
    for (const header of [
      'bytes=1000-',
      'bytes=5000-6000',
      'bytes=10-5',
      'bytes=-0',
      'bytes=-',
      'bytes=',
      'bytes=a-b',
      'bytes=1.5-3',
      'bytes=--1',
      `bytes=${'9'.repeat(40)}-`,
    ]) {
      expect(decideRange(header, size), header).toEqual({ kind: 'unsatisfiable' });
    }
  });

  it('treats every range of an empty blob as unsatisfiable', () => {
    expect(decideRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange(undefined, 0)).toEqual({ kind: 'full' });
  });

  it('writes Content-Range values', () => {
    expect(contentRange(0, 9, 100)).toBe('bytes 0-9/100');
    expect(unsatisfiedRange(100)).toBe('bytes */100');
  });
});
