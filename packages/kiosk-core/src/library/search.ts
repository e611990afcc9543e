import type { AlbumSummary, ArtistSummary, TrackSummary } from '@jukebox/protocol';
import { cachedStatement, type Db } from '../db/index.js';
import { albumSelect, artistSelect, toTrack, trackSelect, type TrackRow } from './rows.js';
import type { MatchSource, SearchKind } from './matches.js';
import { SearchIndex } from './search-index.js';
import { scoreWords } from './scoring.js';
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

/** Candidates read to fill a broad query's list when typed words were left out of the match. */
const fillScan = 100;

/** Base tables with the (letter, sort_key) index for initials, and when a row is shown. */
const initials = {
  track: { table: 'tracks', visible: 'missing = 0' },
  artist: {
    table: 'artists',
    visible: 'EXISTS (SELECT 1 FROM tracks t WHERE t.artist_id = artists.id AND t.missing = 0)',
  },
  album: {
    table: 'albums',
    visible: 'EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = albums.id AND t.missing = 0)',
  },
} as const;

/** The artist and album selects of rows.ts, narrowed to the ids found. */
const artistsIn = 'WHERE a.id IN (SELECT value FROM json_each(?))';
const albumsIn = 'WHERE al.id IN (SELECT value FROM json_each(?))';

/**
 * Most matches a word may have to take part in the match query. Intersecting a word that
 * matches a large part of the library ("th" while "thunder" is being typed) costs FTS5 tens
 * of milliseconds; such words are checked on the candidates the other words found instead.
 * The in-memory index answers alike (it checks them on each row's own words).
 */
const wordCap = 5000;

/**
 * Search-as-you-type over titles, artists and albums. Every word is a prefix, words are ANDed,
 * case and accents are ignored (typed text and indexed names are folded alike). Results are
 * ranked by {@link scoreWords} (title words weigh most for tracks), with the play count breaking
 * ties. A single letter, or a query matching more than {@link rankCap} rows, lists the names
 * that start with the typed text alphabetically, then other matches.
 *
 * Matches come from a {@link MatchSource}: by default the connection's in-memory
 * {@link SearchIndex}; `FtsMatches` (fts-matches.ts) reads the FTS5 tables and answers alike.
 */
export class Search {
  constructor(
    private readonly db: Db,
    private readonly source: MatchSource = SearchIndex.of(db),
  ) {}

  search(query: string, limit: number): SearchResult {
    const tokens = searchTokens(query);
    if (tokens.length === 0) return { tracks: [], artists: [], albums: [] };
    this.source.sync();
    const tracks = this.find('track', tokens, limit);
    const artists = this.find('artist', tokens, limit);
    const albums = this.find('album', tokens, limit);
    return {
      tracks: order(
        tracks,
        this.rows<TrackRow>(
          `${trackSelect} WHERE t.id IN (SELECT value FROM json_each(?))`,
          tracks,
        ).map(toTrack),
      ),
      // Artists and albums as rows.ts selects them, but for the track count, which the match
      // source keeps: SQLite counts by walking every track of the artist (11,000 for the
      // biggest in the benchmark, a millisecond). Selecting the other columns of the
      // (flattened) subquery leaves its count out.
      artists: order(
        artists,
        this.rows<Omit<ArtistSummary, 'trackCount'>>(
          `SELECT id, name, coverId FROM (${artistSelect} ${artistsIn})`,
          artists,
        ).map((a) => ({
          id: a.id,
          name: a.name,
          trackCount: this.source.tracksOnDisk('artist', a.id),
          coverId: a.coverId,
        })),
      ),
      albums: order(
        albums,
        this.rows<Omit<AlbumSummary, 'trackCount'>>(
          `SELECT id, title, artistId, artist, year, coverId FROM (${albumSelect} ${albumsIn})`,
          albums,
        ).map((al) => ({
          id: al.id,
          title: al.title,
          artistId: al.artistId,
          artist: al.artist,
          year: al.year,
          trackCount: this.source.tracksOnDisk('album', al.id),
          coverId: al.coverId,
        })),
      ),
    };
  }

  /** The rows of the ids found, read by `sql`; no query when nothing was found. */
  private rows<T>(sql: string, found: Map<number, number>): T[] {
    if (found.size === 0) return [];
    return cachedStatement<[string], T>(this.db, sql).all(JSON.stringify([...found.keys()]));
  }

  /** Call after the library's tracks changed: the match source catches up or drops caches. */
  invalidate(): void {
    this.source.invalidate();
  }

  /**
   * The best matches of one kind: id -> position (lower is better; equal scores share a
   * position, so that the play count can break the tie). Only words with at most
   * {@link wordCap} matches go to the match query; broader ones are checked by {@link scoreWords}.
   */
  private find(kind: SearchKind, tokens: string[], limit: number): Map<number, number> {
    const typed = tokens.join(' ');
    const usable =
      typed.length > 1 ? tokens.filter((t) => this.count(kind, [t], wordCap + 1) <= wordCap) : [];
    const anchor =
      usable.length > 0 ? usable : [tokens.reduce((a, b) => (b.length > a.length ? b : a))];
    const broad = tokens.length > usable.length;
    if (usable.length > 0 && this.count(kind, usable, rankCap + 1) <= rankCap) {
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

  /** Up to `read` matches of `anchor`, scored against all `tokens`, best first. */
  private scored(kind: SearchKind, anchor: string[], tokens: string[], read: number) {
    const scored: { id: number; score: number }[] = [];
    for (const c of this.source.candidates(kind, anchor, read)) {
      const s = scoreWords(c.words, tokens);
      if (s !== null) scored.push({ id: c.id, score: s });
    }
    return scored.sort((a, b) => b.score - a.score);
  }

  /** Matches of all `tokens`, counted up to `cap`; a single word at most `cap` exactly. */
  private count(kind: SearchKind, tokens: string[], cap: number): number {
    // One word is counted once up to wordCap + 1 (typing repeats it), then bounded.
    if (tokens.length === 1) return Math.min(this.source.count(kind, tokens, wordCap + 1), cap);
    return this.source.count(kind, tokens, cap);
  }

  /** Names starting with the typed text, alphabetically, from the (letter, sort_key) index. */
  private byInitial(kind: SearchKind, typed: string, limit: number): number[] {
    const k = initials[kind];
    return cachedStatement<[string, string, string, number], { id: number }>(
      this.db,
      `SELECT id FROM ${k.table}
         WHERE ${k.visible} AND letter = ? AND sort_key >= ? AND sort_key < ?
         ORDER BY sort_key LIMIT ?`,
    )
      .all(letterOf(typed), typed, `${typed}\uffff`, limit)
      .map((r) => r.id);
  }
}

/** Summaries in the order `find` chose; ties (same score) go to the most played. */
function order<T extends { id: number; playCount?: number }>(
  found: Map<number, number>,
  rows: T[],
): T[] {
  return rows.sort(
    (a, b) =>
      (found.get(a.id) ?? 0) - (found.get(b.id) ?? 0) || (b.playCount ?? 0) - (a.playCount ?? 0),
  );
}
