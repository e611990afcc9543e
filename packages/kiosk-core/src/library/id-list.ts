/**
 * The ascending row ids of one indexed word, in an Int32Array that doubles when full: four
 * bytes an id, where a plain array of numbers takes eight. A word like "the" is in tens of
 * thousands of rows.
 */
export class IdList {
  private ids: Int32Array;
  length = 1;

  constructor(
    /** The word, kept here so that rows can share this string (`PrefixIndex.intern`). */
    readonly word: string,
    first: number,
  ) {
    this.ids = new Int32Array(4);
    this.ids[0] = first;
  }

  at(i: number): number {
    return this.ids[i] as number;
  }

  /** Adds an id not in the list yet; appending (a new row has the highest id) is the fast case. */
  add(id: number): void {
    if (this.length === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    let i = this.length;
    if (i > 0 && (this.ids[i - 1] as number) > id) {
      i = this.lowerBound(id);
      if (this.ids[i] === id) return;
      this.ids.copyWithin(i + 1, i, this.length);
    }
    this.ids[i] = id;
    this.length++;
  }

  /** Removes an id; nothing when it is not in the list. */
  remove(id: number): void {
    const i = this.lowerBound(id);
    if (i >= this.length || this.ids[i] !== id) return;
    this.ids.copyWithin(i, i + 1, this.length);
    this.length--;
    // Shrinks when mostly empty, so that a word that lost its rows gives the memory back.
    if (this.ids.length > 16 && this.length * 4 < this.ids.length) {
      this.ids = this.ids.slice(0, this.ids.length / 2);
    }
  }

  /**
   * The first index at or after `from` whose id is >= `id`: gallops (1, 2, 4... ahead), then
   * bisects, so that stepping through the list in ascending order costs little per step.
   */
  seek(id: number, from: number): number {
    const ids = this.ids;
    if (from >= this.length || (ids[from] as number) >= id) return from;
    let lo = from;
    let step = 1;
    while (lo + step < this.length && (ids[lo + step] as number) < id) {
      lo += step;
      step *= 2;
    }
    let hi = Math.min(lo + step, this.length);
    lo++;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as number) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lowerBound(id: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ids[mid] as number) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
