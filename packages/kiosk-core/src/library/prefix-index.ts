import { IdList } from './id-list.js';

/** Per field, its folded words (see `fieldWords` in scoring.ts). */
export type FieldWords = readonly (readonly string[])[];

/**
 * An in-memory inverted index of one kind of row (tracks, artists or albums) for prefix
 * search: every distinct word with the ids of the rows that have it (ascending), the words
 * kept sorted so that the words starting with a typed prefix are one binary search away, and
 * each row's own words, to check the other typed words and to score without folding again.
 *
 * Rows are returned by ascending id, like FTS5 returns its matches, so that a capped read
 * sees the same rows as the FTS query it replaces. Row ids are SQLite rowids, small and dense,
 * so rows are kept in an array indexed by id.
 */
export class PrefixIndex {
  /** word -> the rows that have it. */
  private readonly postings = new Map<string, IdList>();
  private readonly rows: (FieldWords | undefined)[] = [];
  private rowCount = 0;
  /** The words of `postings`, sorted; `fresh` are words added since, not yet merged in. */
  private sorted: string[] = [];
  private fresh: string[] = [];
  /** Words whose last row went: they leave `sorted` at the next merge. */
  private emptied = 0;
  /** Single-word counts by `cap:word`, dropped at every change. */
  private readonly counts = new Map<string, number>();

  /** Rows indexed. */
  get size(): number {
    return this.rowCount;
  }

  /** Distinct words indexed. */
  get words(): number {
    return this.postings.size;
  }

  /** The indexed words of a row, or undefined when the row is not indexed. */
  fields(id: number): FieldWords | undefined {
    return this.rows[id];
  }

  /**
   * `words` with each word already indexed replaced by the indexed string, so that a word
   * shared by thousands of rows is stored once. Changes and returns `words`.
   */
  intern(words: string[]): string[] {
    for (let i = 0; i < words.length; i++) {
      const known = this.postings.get(words[i] as string);
      if (known !== undefined) words[i] = known.word;
    }
    return words;
  }

  /** Indexes a row, replacing what was indexed under its id. */
  set(id: number, fields: FieldWords): void {
    if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw new RangeError(`search index: row id ${id} is outside 0..2^31-1`);
    }
    this.delete(id);
    this.rows[id] = fields;
    this.rowCount++;
    for (const word of distinctWords(fields)) {
      const ids = this.postings.get(word);
      if (ids === undefined) {
        this.postings.set(word, new IdList(word, id));
        this.fresh.push(word);
      } else {
        ids.add(id);
      }
    }
    this.counts.clear();
  }

  /** Removes a row; false when it was not indexed. */
  delete(id: number): boolean {
    const fields = this.rows[id];
    if (fields === undefined) return false;
    this.rows[id] = undefined;
    this.rowCount--;
    for (const word of distinctWords(fields)) {
      const ids = this.postings.get(word) as IdList;
      ids.remove(id);
      if (ids.length === 0) {
        this.postings.delete(word);
        this.emptied++;
      }
    }
    this.counts.clear();
    return true;
  }

  /** Rows having a word that starts with each of `tokens`, counted up to `cap`. */
  count(tokens: readonly string[], cap: number): number {
    const key = tokens.length === 1 ? `${cap}:${tokens[0]}` : null;
    const cached = key === null ? undefined : this.counts.get(key);
    if (cached !== undefined) return cached;
    let n = 0;
    this.walk(tokens, () => ++n < cap);
    if (key !== null) {
      if (this.counts.size >= 5000) this.counts.clear();
      this.counts.set(key, n);
    }
    return n;
  }

  /**
   * The first `limit` ids, ascending, of the rows having a word that starts with each of
   * `tokens` and passing `keep` (null keeps all).
   */
  matches(tokens: readonly string[], limit: number, keep: ((id: number) => boolean) | null) {
    const found: number[] = [];
    if (limit <= 0) return found;
    this.walk(tokens, (id) => {
      if (keep !== null && !keep(id)) return true;
      found.push(id);
      return found.length < limit;
    });
    return found;
  }

  /**
   * Calls `visit` with the ids of the rows matching all `tokens`, ascending, until it returns
   * false. The most selective token drives the walk. Another token whose words are few is
   * checked by stepping through their id lists alongside; one with many words ("t" while
   * "the" is being typed) is checked on each row's own words instead.
   */
  private walk(tokens: readonly string[], visit: (id: number) => boolean): void {
    if (tokens.length === 0) return;
    this.merge();
    const ranges = tokens.map((t) => this.range(t));
    let driver = 0;
    ranges.forEach((r, i) => {
      if (r.rows < (ranges[driver] as Range).rows) driver = i;
    });
    const byList: ListCursor[] = [];
    const byWords: string[] = [];
    ranges.forEach((r, i) => {
      if (i === driver) return;
      if (r.to - r.from <= cursorWords) byList.push(new ListCursor(this.lists(r)));
      else byWords.push(tokens[i] as string);
    });
    const rows = this.rows;
    mergeAscending(this.lists(ranges[driver] as Range), (id) => {
      for (const c of byList) if (!c.has(id)) return true;
      if (byWords.length > 0 && !hasAll(rows[id] as FieldWords, byWords)) return true;
      return visit(id);
    });
  }

  private lists(range: Range): IdList[] {
    const out: IdList[] = [];
    for (let i = range.from; i < range.to; i++) {
      out.push(this.postings.get(this.sorted[i] as string) as IdList);
    }
    return out;
  }

  /** The words starting with `prefix` (indexes into `sorted`) and their summed row counts. */
  private range(prefix: string): Range {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((s[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const from = lo;
    // Words starting with the prefix sort right after it, before any other word above it.
    hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((s[mid] as string).startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    let rows = 0;
    for (let i = from; i < lo; i++) rows += (this.postings.get(s[i] as string) as IdList).length;
    return { from, to: lo, rows };
  }

  /** Brings `sorted` up to date: merges in new words, drops words with no rows left. */
  private merge(): void {
    if (this.fresh.length === 0 && this.emptied === 0) return;
    const kept = this.emptied === 0 ? this.sorted : this.sorted.filter((w) => this.postings.has(w));
    // A word can be fresh twice, or fresh and still sorted, when it went and came back.
    const added = [...new Set(this.fresh)].filter((w) => this.postings.has(w)).sort();
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (i < kept.length || j < added.length) {
      const a = kept[i];
      const b = added[j];
      if (b === undefined || (a !== undefined && a < b)) {
        out.push(a as string);
        i++;
      } else {
        if (a === b) i++;
        out.push(b);
        j++;
      }
    }
    this.sorted = out;
    this.fresh = [];
    this.emptied = 0;
  }
}

/**
 * Up to this many words, a token is checked by stepping through their id lists; beyond, on
 * each candidate row's words (a track has about eight), which then costs less.
 */
const cursorWords = 4;

/** Whether ascending ids are in any of a few id lists, each list stepped through once. */
class ListCursor {
  private readonly at: number[];

  constructor(private readonly lists: readonly IdList[]) {
    this.at = lists.map(() => 0);
  }

  /** Ids must be asked in ascending order. */
  has(id: number): boolean {
    let found = false;
    for (let i = 0; i < this.lists.length; i++) {
      const list = this.lists[i] as IdList;
      const at = list.seek(id, this.at[i] as number);
      this.at[i] = at;
      if (at < list.length && list.at(at) === id) found = true;
    }
    return found;
  }
}

interface Range {
  from: number;
  to: number;
  /** Sum of the words' row counts: an upper bound of the rows matching, to pick a driver. */
  rows: number;
}

/**
 * Calls `visit` with the ids of all `lists`, ascending, each once (a row with two words of the
 * range is in two lists), until it returns false: a k-way merge over a binary heap of lists.
 */
function mergeAscending(lists: readonly IdList[], visit: (id: number) => boolean): void {
  if (lists.length === 1) {
    const only = lists[0] as IdList;
    for (let i = 0; i < only.length; i++) if (!visit(only.at(i))) return;
    return;
  }
  const at = new Array<number>(lists.length).fill(0);
  const head = (l: number) => (lists[l] as IdList).at(at[l] as number);
  const heap = lists.map((_, i) => i);
  const down = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      let m = i;
      if (l < heap.length && head(heap[l] as number) < head(heap[m] as number)) m = l;
      if (l + 1 < heap.length && head(heap[l + 1] as number) < head(heap[m] as number)) m = l + 1;
      if (m === i) return;
      const swap = heap[i] as number;
      heap[i] = heap[m] as number;
      heap[m] = swap;
      i = m;
    }
  };
  for (let i = (heap.length >>> 1) - 1; i >= 0; i--) down(i);
  let last = -1;
  while (heap.length > 0) {
    const l = heap[0] as number;
    const id = head(l);
    if (id !== last) {
      if (!visit(id)) return;
      last = id;
    }
    at[l] = (at[l] as number) + 1;
    if ((at[l] as number) >= (lists[l] as IdList).length) {
      const tail = heap.pop() as number;
      if (heap.length === 0) return;
      heap[0] = tail;
    }
    down(0);
  }
}

/** Each word of a row once (a word can be in several fields, or twice in one). */
function distinctWords(fields: FieldWords): string[] {
  const out: string[] = [];
  for (const words of fields) for (const w of words) if (!out.includes(w)) out.push(w);
  return out;
}

function hasAll(fields: FieldWords, tokens: readonly string[]): boolean {
  for (const t of tokens) {
    if (!fields.some((words) => words.some((w) => w.startsWith(t)))) return false;
  }
  return true;
}
