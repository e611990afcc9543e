import type { AlbumSummary, ArtistSummary, TrackSummary } from '@jukebox/protocol';
import { cachedStatement, type Db } from '../db/index.js';
import { albumSelect, artistSelect, toTrack, trackSelect, type TrackRow } from './rows.js';
import { score } from './scoring.js';
import { letterOf, searchTokens } from './text.js';

export interface SearchResult {
  tracks: TrackSummary[];
  artists: ArtistSummary[];
  albums: AlbumSummary[];
}

/**
 * Most matches a query may have to be ranked: they are all read and scored in JS (see
 * scoring.ts). A broader query ("ve" can match a quarter of a 100,000-track catalog) is too
 * vague for relevance to mean much; it lists names starting with the typed text instead.
 */
const rankCap = 300;

/** Candidates read to fill a broad query's list when some typed words were kept out of FTS. */
const fillScan = 100;

type Kind = 'track' | 'artist' | 'album';

/**
 * Per kind: its FTS table and columns (most important first, for scoring), and its base table
 * with the (letter, sort_key) index for initials.
 */
const kinds = {
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
 * Most matches a word may have to take part in an FTS query. FTS5 intersects words by walking
 * their doclists, so a word matching a large part of the index ("th" while "thunder" is being
 * typed) costs tens of milliseconds in any query; such words are checked on the candidates
 * the other words found instead.
 */
const wordCap = 5000;

/**
 * Search-as-you-type over titles, artists and albums. Every word is a prefix, words are ANDed,
 * case and accents are ignored (the FTS tokenizer folds them). Results are ranked by
 * {@link score} (title words weigh most for tracks), with the play count breaking ties. A
 * single letter, or a query matching more than {@link rankCap} rows, lists the names that
 * start with the typed text alphabetically, then other matches.
 */
export class Search {
  private readonly counts = new Map<string, number>();

  constructor(private readonly db: Db) {}

  search(query: string, limit: number): SearchResult {
    const tokens = searchTokens(query);
    if (tokens.length === 0) return { tracks: [], artists: [], albums: [] };
    const tracks = this.find('track', tokens, limit);
    const artists = this.find('artist', tokens, limit);
    const albums = this.find('album', tokens, limit);
    return {
      tracks: order(
        tracks,
        cachedStatement<[string], TrackRow>(
          this.db,
          `${trackSelect} WHERE t.id IN (SELECT value FROM json_each(?))`,
        )
          .all(idList(tracks))
          .map(toTrack),
      ),
      artists: order(
        artists,
        cachedStatement<[string], ArtistSummary>(
          this.db,
          `${artistSelect} WHERE a.id IN (SELECT value FROM json_each(?))`,
        ).all(idList(artists)),
      ),
      albums: order(
        albums,
        cachedStatement<[string], AlbumSummary>(
          this.db,
          `${albumSelect} WHERE al.id IN (SELECT value FROM json_each(?))`,
        ).all(idList(albums)),
      ),
    };
  }

  /** Forgets cached match counts; call after the library's tracks changed. */
  invalidate(): void {
    this.counts.clear();
  }

  /**
   * The best matches of one kind: id -> position (lower is better; equal scores share a
   * position, so that the play count can break the tie). Only words with at most
   * {@link wordCap} matches go to FTS; broader ones are checked by {@link score}.
   */
  private find(kind: Kind, tokens: string[], limit: number): Map<number, number> {
    const typed = tokens.join(' ');
    const usable = typed.length > 1 ? tokens.filter((t) => this.count(kind, t) <= wordCap) : [];
    const anchor =
      usable.length > 0 ? usable : [tokens.reduce((a, b) => (b.length > a.length ? b : a))];
    const broad = tokens.length > usable.length;
    if (usable.length > 0 && this.matchCount(kind, usable) <= rankCap) {
      const scored = this.scored(kind, anchor, tokens, rankCap);
      return new Map(scored.slice(0, limit).map((r) => [r.id, -r.score]));
    }
    // Too many matches to rank: names starting with the typed text, then some other matches.
    const ids = this.byInitial(kind, typed, limit);
    if (ids.length < limit) {
      for (const r of this.scored(kind, anchor, tokens, broad ? fillScan : limit * 2)) {
        if (ids.length >= limit) break;
        if (!ids.includes(r.id)) ids.push(r.id);
      }
    }
    return new Map(ids.map((id, i) => [id, i]));
  }

  /** Up to `read` FTS matches of `anchor`, scored against all `tokens`, best first. */
  private scored(kind: Kind, anchor: string[], tokens: string[], read: number) {
    const scored: { id: number; score: number }[] = [];
    for (const c of this.candidates(kind, anchor, read)) {
      const s = score(c.fields, tokens);
      if (s !== null) scored.push({ id: c.id, score: s });
    }
    return scored.sort((a, b) => b.score - a.score);
  }

  /** Matches of all `tokens` together, counted up to rankCap + 1. */
  private matchCount(kind: Kind, tokens: string[]): number {
    if (tokens.length === 1 && tokens[0] !== undefined) {
      return Math.min(this.count(kind, tokens[0]), rankCap + 1);
    }
    const k = kinds[kind];
    return (
      cachedStatement<[string, number], { n: number }>(
        this.db,
        `SELECT count(*) AS n FROM (SELECT rowid FROM ${k.fts} WHERE ${k.fts} MATCH ? LIMIT ?)`,
      ).get(tokens.map((t) => `"${t}"*`).join(' '), rankCap + 1)?.n ?? 0
    );
  }

  /** Matches of one prefix, counted up to wordCap + 1; remembered, as typing repeats them. */
  private count(kind: Kind, token: string): number {
    const key = `${kind}:${token}`;
    let n = this.counts.get(key);
    if (n === undefined) {
      const k = kinds[kind];
      n =
        cachedStatement<[string, number], { n: number }>(
          this.db,
          `SELECT count(*) AS n FROM (SELECT rowid FROM ${k.fts} WHERE ${k.fts} MATCH ? LIMIT ?)`,
        ).get(`"${token}"*`, wordCap + 1)?.n ?? 0;
      if (this.counts.size >= 5000) this.counts.clear();
      this.counts.set(key, n);
    }
    return n;
  }

  /** Up to `limit` FTS matches of all `tokens` with their column values, in index order. */
  private candidates(
    kind: Kind,
    tokens: string[],
    limit: number,
  ): { id: number; fields: (string | null)[] }[] {
    const k = kinds[kind];
    const match = tokens.map((t) => `"${t}"*`).join(' ');
    const join = k.visible === null ? '' : `JOIN ${k.table} ON ${k.table}.id = m.rowid`;
    const visible = k.visible === null ? '' : `AND ${k.visible}`;
    const cols = k.fields.map((f) => `m.${f}`).join(', ');
    return cachedStatement<[string, number], unknown[]>(
      this.db,
      `SELECT m.rowid, ${cols} FROM ${k.fts} m ${join} WHERE ${k.fts} MATCH ? ${visible} LIMIT ?`,
    )
      .raw()
      .all(match, limit)
      .map(([id, ...fields]) => ({ id: id as number, fields: fields as (string | null)[] }));
  }

  /** Names starting with the typed text, alphabetically, from the (letter, sort_key) index. */
  private byInitial(kind: Kind, typed: string, limit: number): number[] {
    const k = kinds[kind];
    const cond = k.visible === null ? 'missing = 0' : k.visible;
    return cachedStatement<[string, string, string, number], { id: number }>(
      this.db,
      `SELECT id FROM ${k.table}
         WHERE ${cond} AND letter = ? AND sort_key >= ? AND sort_key < ?
         ORDER BY sort_key LIMIT ?`,
    )
      .all(letterOf(typed), typed, `${typed}\uffff`, limit)
      .map((r) => r.id);
  }
}

function idList(found: Map<number, number>): string {
  return JSON.stringify([...found.keys()]);
}

/** Summaries in the order `find` chose; ties (same bm25) go to the most played. */
function order<T extends { id: number; playCount?: number }>(
  found: Map<number, number>,
  rows: T[],
): T[] {
  return rows.sort(
    (a, b) =>
      (found.get(a.id) ?? 0) - (found.get(b.id) ?? 0) || (b.playCount ?? 0) - (a.playCount ?? 0),
  );
}
