import { describe, expect, it } from 'vitest';
import { dropIndex } from './use-drag-reorder.js';

describe('dropIndex', () => {
  // Four rows 40 px tall, centres at 20, 60, 100, 140.
  const centers = [20, 60, 100, 140];

  it('lands a row below every other row whose centre it passed', () => {
    expect(dropIndex(centers, 0, 20)).toBe(0);
    expect(dropIndex(centers, 0, 61)).toBe(1);
    expect(dropIndex(centers, 0, 139)).toBe(2);
    expect(dropIndex(centers, 0, 500)).toBe(3);
  });

  it('moves a row up past the centres above it', () => {
    expect(dropIndex(centers, 3, 140)).toBe(3);
    expect(dropIndex(centers, 3, 99)).toBe(2);
    expect(dropIndex(centers, 3, -50)).toBe(0);
  });

  it('leaves a row in place when it moved less than half a neighbour', () => {
    expect(dropIndex(centers, 1, 60 + 39)).toBe(1);
    expect(dropIndex(centers, 1, 60 - 39)).toBe(1);
  });
});
