import { cachedStatement, type Db } from '../db/index.js';
import type { Candidate, MatchSource, SearchKind } from './matches.js';
import { fieldWords } from './scoring.js';

/** Per kind: its FTS5 table and columns (most important first), and its base table. */
const tables = {
  // Missing tracks are taken out of track_search, so its matches need no check.
  track: {
    fts: 'track_search',
    fields: ['title', 'artist', 'album'],
    table: 'tracks',
    visible: null,
  },
  artist: {
    fts: 'artist_search',
    fields: ['name'],
    table: 'artists',
    visible: 'EXISTS (SELECT 1 FROM tracks t WHERE t.artist_id = artists.id AND t.missing = 0)',
  },
  album: {
    fts: 'album_search',
    fields: ['title', 'artist'],
    table: 'albums',
    visible: 'EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = albums.id AND t.missing = 0)',
  },
} as const;

/**
 * Matches from the FTS5 tables the library writer keeps (migration 0001). This was the search
 * path before the in-memory index; it stays as the reference the index is tested against.
 *
 * FTS5's tokenizer does not fold quite like `foldKey`: it keeps ø, æ, ß, ł, đ, þ, ı, ligatures
 * and Greek accents, so "soren" (as typed and folded) does not find "Søren" here.
 */
export class FtsMatches implements MatchSource {
  /** Single-word counts: typing repeats the earlier words of a query at every keystroke. */
  private readonly counts = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** The FTS tables are written in the same transactions as the library tables. */
  sync(): void {}

  invalidate(): void {
    this.counts.clear();
  }

  count(kind: SearchKind, tokens: readonly string[], cap: number): number {
    const key = tokens.length === 1 ? `${kind}:${cap}:${tokens[0]}` : null;
    const cached = key === null ? undefined : this.counts.get(key);
    if (cached !== undefined) return cached;
    const t = tables[kind];
    const n =
      cachedStatement<[string, number], { n: number }>(
        this.db,
        `SELECT count(*) AS n FROM (SELECT rowid FROM ${t.fts} WHERE ${t.fts} MATCH ? LIMIT ?)`,
      ).get(matchExpression(tokens), cap)?.n ?? 0;
    if (key !== null) {
      if (this.counts.size >= 5000) this.counts.clear();
      this.counts.set(key, n);
    }
    return n;
  }

  candidates(kind: SearchKind, tokens: readonly string[], limit: number): Candidate[] {
    const t = tables[kind];
    const join = t.visible === null ? '' : `JOIN ${t.table} ON ${t.table}.id = m.rowid`;
    const visible = t.visible === null ? '' : `AND ${t.visible}`;
    const cols = t.fields.map((f) => `m.${f}`).join(', ');
    return cachedStatement<[string, number], unknown[]>(
      this.db,
      `SELECT m.rowid, ${cols} FROM ${t.fts} m ${join} WHERE ${t.fts} MATCH ? ${visible}
       ORDER BY m.rowid LIMIT ?`,
    )
      .raw()
      .all(matchExpression(tokens), limit)
      .map(([id, ...fields]) => ({
        id: id as number,
        words: (fields as (string | null)[]).map((f) => (f ? fieldWords(f) : [])),
      }));
  }

  tracksOnDisk(kind: 'artist' | 'album', id: number): number {
    return (
      cachedStatement<[number], { n: number }>(
        this.db,
        `SELECT count(*) AS n FROM tracks WHERE ${kind}_id = ? AND missing = 0`,
      ).get(id)?.n ?? 0
    );
  }
}

/** Tokens come from `searchTokens` (letters and digits only), so quoting them is safe. */
function matchExpression(tokens: readonly string[]): string {
  return tokens.map((t) => `"${t}"*`).join(' ');
}
