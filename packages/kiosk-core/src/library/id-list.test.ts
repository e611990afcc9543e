import { describe, expect, it } from 'vitest';
import { IdList } from './id-list.js';

const ids = (list: IdList) => Array.from({ length: list.length }, (_, i) => list.at(i));

describe('IdList', () => {
  it('keeps ids ascending and once, whatever the order they come in', () => {
    const list = new IdList('love', 50);
    for (const id of [60, 10, 55, 10, 70, 1, 60]) list.add(id);
    expect(ids(list)).toEqual([1, 10, 50, 55, 60, 70]);
    expect(list.word).toBe('love');
  });

  it('removes ids, ignores unknown ones, and gives memory back when mostly empty', () => {
    const list = new IdList('x', 0);
    for (let id = 1; id < 1000; id++) list.add(id);
    list.remove(5000);
    list.remove(-1);
    for (let id = 0; id < 990; id++) list.remove(id);
    expect(ids(list)).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    for (let id = 990; id < 1000; id++) list.remove(id);
    expect(list.length).toBe(0);
    list.add(7);
    expect(ids(list)).toEqual([7]);
  });

  it('seeks the first id at or above a value from a position, gallops over long runs', () => {
    const list = new IdList('x', 2);
    for (let id = 4; id <= 2000; id += 2) list.add(id);
    expect(list.seek(1, 0)).toBe(0);
    expect(list.seek(2, 0)).toBe(0);
    expect(list.seek(3, 0)).toBe(1);
    expect(list.seek(1001, 0)).toBe(500);
    expect(list.at(list.seek(1001, 0))).toBe(1002);
    expect(list.seek(1001, 600)).toBe(600); // never goes back
    expect(list.seek(5000, 3)).toBe(list.length);
    expect(list.seek(2000, 998)).toBe(999);
    // Every position agrees with a plain scan.
    for (const from of [0, 1, 17, 500]) {
      for (let id = 0; id <= 2002; id += 7) {
        let expected = from;
        while (expected < list.length && list.at(expected) < id) expected++;
        expect(list.seek(id, from)).toBe(expected);
      }
    }
  });
});
