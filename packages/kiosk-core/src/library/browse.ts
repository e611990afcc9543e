import type {
  AlbumSummary,
  ArtistSummary,
  CategorySummary,
  LetterCount,
  TrackSummary,
} from '@jukebox/protocol';
import { cachedStatement, type Db } from '../db/index.js';
import {
  albumSelect,
  albumVisible,
  artistSelect,
  artistVisible,
  toTrack,
  trackSelect,
  type TrackRow,
} from './rows.js';

/** Parameters of `listTracks` (the kiosk API's parsed params). */
export interface ListTracksParams {
  categoryId?: number | undefined;
  /** 'A'..'Z' or '#'; applies to the title or the artist name, following `sort`. */
  letter?: string | undefined;
  sort: 'title' | 'artist';
  offset: number;
  limit: number;
}

export interface ListArtistsParams {
  letter?: string | undefined;
  offset: number;
  limit: number;
}

/** What the player needs to play a track. */
export interface Playable {
  path: string;
  /** Stored loudness gain; null until the loudness job has measured the file (play at 0 dB). */
  gainDb: number | null;
  durationMs: number;
  /** For a track delivered by the fleet: the file is JBX1-encrypted with this wrapped key. */
  encryption: TrackEncryption | null;
}

/** What decrypting a synced track needs: its catalog id (the key wrap's AAD) and wrapped key. */
export interface TrackEncryption {
  catalogId: string;
  wrappedKey: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * Read-only browse queries for the touch menu. Missing tracks never appear.
 *
 * Whole-library aggregates (categories, letters, track count) cost a scan of every track and
 * are asked for on every state update, so they are kept until `invalidate()`, which the
 * library calls after each write (import, bulk insert).
 */
export class Browse {
  private readonly memo = new Map<string, unknown>();

  constructor(private readonly db: Db) {}

  /** Forgets the cached aggregates; call after the library's tracks changed. */
  invalidate(): void {
    this.memo.clear();
  }

  private cached<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }

  categories(): CategorySummary[] {
    return this.cached('categories', () =>
      cachedStatement<[], CategorySummary>(
        this.db,
        `SELECT * FROM (SELECT c.id, c.name,
           (SELECT count(*) FROM tracks t WHERE t.category_id = c.id AND t.missing = 0) AS trackCount,
           (SELECT t.cover_id FROM tracks t INDEXED BY tracks_category_cover
             WHERE t.category_id = c.id AND t.missing = 0 AND t.cover_id IS NOT NULL
             LIMIT 1) AS coverId
         FROM categories c) WHERE trackCount > 0 ORDER BY name COLLATE NOCASE`,
      ).all(),
    );
  }

  letters(by: 'artist' | 'title'): LetterCount[] {
    const sql =
      by === 'artist'
        ? `SELECT a.letter, count(*) AS count FROM artists a WHERE ${artistVisible} GROUP BY a.letter`
        : 'SELECT letter, count(*) AS count FROM tracks WHERE missing = 0 GROUP BY letter';
    return this.cached(`letters:${by}`, () =>
      cachedStatement<[], LetterCount>(this.db, `${sql} ORDER BY 1`).all(),
    );
  }

  listTracks(p: ListTracksParams): Page<TrackSummary> {
    const where = ['t.missing = 0'];
    const args: (string | number)[] = [];
    if (p.categoryId !== undefined) {
      where.push('t.category_id = ?');
      args.push(p.categoryId);
    }
    if (p.letter !== undefined) {
      where.push(
        p.sort === 'artist'
          ? 't.artist_id IN (SELECT id FROM artists WHERE letter = ?)'
          : 't.letter = ?',
      );
      args.push(p.letter);
    }
    const w = where.join(' AND ');
    // (letter, sort_key) order: '#' first, then A-Z, straight from the letter indexes.
    const order =
      p.sort === 'artist'
        ? 'ar.letter, ar.sort_key, t.letter, t.sort_key, t.id'
        : 't.letter, t.sort_key, t.id';
    const items = cachedStatement<(string | number)[], TrackRow>(
      this.db,
      `${trackSelect} WHERE ${w} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
      .all(...args, p.limit, p.offset)
      .map(toTrack);
    const { total } = cachedStatement<(string | number)[], { total: number }>(
      this.db,
      `SELECT count(*) AS total FROM tracks t WHERE ${w}`,
    ).get(...args) ?? { total: 0 };
    return { items, total };
  }

  listArtists(p: ListArtistsParams): Page<ArtistSummary> {
    const where = [artistVisible];
    const args: (string | number)[] = [];
    if (p.letter !== undefined) {
      where.push('a.letter = ?');
      args.push(p.letter);
    }
    const w = where.join(' AND ');
    const items = cachedStatement<(string | number)[], ArtistSummary>(
      this.db,
      `${artistSelect} WHERE ${w} ORDER BY a.letter, a.sort_key, a.id LIMIT ? OFFSET ?`,
    ).all(...args, p.limit, p.offset);
    const { total } = cachedStatement<(string | number)[], { total: number }>(
      this.db,
      `SELECT count(*) AS total FROM artists a WHERE ${w}`,
    ).get(...args) ?? { total: 0 };
    return { items, total };
  }

  /** An artist with their albums and tracks, or null when unknown or with nothing on disk. */
  artist(
    id: number,
  ): { artist: ArtistSummary; albums: AlbumSummary[]; tracks: TrackSummary[] } | null {
    const artist = cachedStatement<[number], ArtistSummary>(
      this.db,
      `${artistSelect} WHERE a.id = ? AND ${artistVisible}`,
    ).get(id);
    if (!artist) return null;
    const albums = cachedStatement<[number], AlbumSummary>(
      this.db,
      `${albumSelect} WHERE al.artist_id = ? AND ${albumVisible} ORDER BY al.year, al.title`,
    ).all(id);
    const tracks = cachedStatement<[number], TrackRow>(
      this.db,
      `${trackSelect} WHERE t.artist_id = ? AND t.missing = 0
         ORDER BY al.year, al.title, t.track_no, t.sort_key`,
    )
      .all(id)
      .map(toTrack);
    return { artist, albums, tracks };
  }

  /** An album with its tracks in track order, or null when unknown or with nothing on disk. */
  album(id: number): { album: AlbumSummary; tracks: TrackSummary[] } | null {
    const album = cachedStatement<[number], AlbumSummary>(
      this.db,
      `${albumSelect} WHERE al.id = ? AND ${albumVisible}`,
    ).get(id);
    if (!album) return null;
    const tracks = cachedStatement<[number], TrackRow>(
      this.db,
      `${trackSelect} WHERE t.album_id = ? AND t.missing = 0 ORDER BY t.track_no, t.sort_key`,
    )
      .all(id)
      .map(toTrack);
    return { album, tracks };
  }

  trackSummary(id: number): TrackSummary | null {
    const row = cachedStatement<[number], TrackRow>(this.db, `${trackSelect} WHERE t.id = ?`).get(
      id,
    );
    return row ? toTrack(row) : null;
  }

  /** The file and gain to play, or null when the track is unknown, missing or has no file. */
  playable(id: number): Playable | null {
    const row = cachedStatement<
      [number],
      {
        path: string | null;
        gainDb: number | null;
        durationMs: number;
        missing: number;
        catalogId: string | null;
        wrappedKey: string | null;
      }
    >(
      this.db,
      `SELECT path, gain_db AS gainDb, duration_ms AS durationMs, missing,
         catalog_id AS catalogId, wrapped_key AS wrappedKey FROM tracks WHERE id = ?`,
    ).get(id);
    if (!row || row.path === null || row.missing) return null;
    return {
      path: row.path,
      gainDb: row.gainDb,
      durationMs: row.durationMs,
      encryption:
        row.catalogId !== null && row.wrappedKey !== null
          ? { catalogId: row.catalogId, wrappedKey: row.wrappedKey }
          : null,
    };
  }

  trackCount(): number {
    return this.cached(
      'trackCount',
      () =>
        cachedStatement<[], { n: number }>(
          this.db,
          'SELECT count(*) AS n FROM tracks WHERE missing = 0',
        ).get()?.n ?? 0,
    );
  }
}
