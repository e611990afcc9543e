import type { Db } from '../db/index.js';
import { foldKey, letterOf } from './text.js';
import type { TrackFields } from './types.js';

/** Where a track's audio is; null fields for metadata-only records. */
export interface TrackFile {
  path: string;
  fileSize: number | null;
  fileMtimeMs: number | null;
  coverId: string | null;
}

interface ExistingTrack {
  id: number;
  file_size: number | null;
  file_mtime_ms: number | null;
  missing: number;
}

/**
 * Writes tracks with their artists, albums and genres, keeping the FTS indexes in step.
 * All writes go through `batch`, one transaction each; the name->id caches make bulk inserts
 * cheap. Search-index rows are written at the end of the batch: interleaving FTS5 inserts with
 * the table's index inserts made a 100,000-row load over twice as slow.
 */
export class CatalogWriter {
  private readonly artists = new Map<string, number>();
  private readonly albums = new Map<string, number>();
  private readonly categories = new Map<string, number>();
  private readonly s;

  private pendingIndex: [id: number, title: string, artist: string, album: string | null][] = [];

  constructor(private readonly db: Db) {
    this.s = {
      artistGet: db.prepare<[string], { id: number }>('SELECT id FROM artists WHERE name = ?'),
      artistAdd: db.prepare(
        'INSERT INTO artists (name, sort_key, letter) VALUES (?, ?, ?) RETURNING id',
      ),
      artistFts: db.prepare('INSERT INTO artist_search (rowid, name) VALUES (?, ?)'),
      albumGet: db.prepare<[number, string], { id: number }>(
        'SELECT id FROM albums WHERE artist_id = ? AND title = ?',
      ),
      albumAdd: db.prepare(
        'INSERT INTO albums (title, sort_key, letter, artist_id, year) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      albumFts: db.prepare('INSERT INTO album_search (rowid, title, artist) VALUES (?, ?, ?)'),
      categoryGet: db.prepare<[string], { id: number }>('SELECT id FROM categories WHERE name = ?'),
      categoryAdd: db.prepare('INSERT INTO categories (name) VALUES (?) RETURNING id'),
      trackByPath: db.prepare<[string], ExistingTrack>(
        'SELECT id, file_size, file_mtime_ms, missing FROM tracks WHERE path = ?',
      ),
      trackAdd: db.prepare(`INSERT INTO tracks (path, title, sort_key, letter, artist_id, album_id,
          category_id, year, track_no, isrc, explicit, duration_ms, file_size, file_mtime_ms,
          cover_id, added_at)
        VALUES (@path, @title, @sortKey, @letter, @artistId, @albumId, @categoryId, @year,
          @trackNo, @isrc, @explicit, @durationMs, @fileSize, @fileMtimeMs, @coverId, @addedAt)
        RETURNING id`),
      // A changed file needs measuring again, so its loudness is cleared.
      trackUpdate: db.prepare(`UPDATE tracks SET title = @title, sort_key = @sortKey,
          letter = @letter, artist_id = @artistId, album_id = @albumId, category_id = @categoryId,
          year = @year, track_no = @trackNo, isrc = @isrc, explicit = @explicit,
          duration_ms = @durationMs, file_size = @fileSize, file_mtime_ms = @fileMtimeMs,
          cover_id = @coverId, missing = 0, gain_db = NULL, integrated_lufs = NULL,
          true_peak = NULL, loudness_error = NULL
        WHERE id = @id`),
      ftsAdd: db.prepare(
        'INSERT INTO track_search (rowid, title, artist, album) VALUES (?, ?, ?, ?)',
      ),
      ftsDel: db.prepare('DELETE FROM track_search WHERE rowid = ?'),
      unmiss: db.prepare('UPDATE tracks SET missing = 0 WHERE id = ?'),
    };
  }

  /** Runs `work` in one transaction, writing the search rows it queued before committing. */
  batch(work: () => void): void {
    this.db.transaction(() => {
      try {
        work();
        for (const row of this.pendingIndex) this.s.ftsAdd.run(...row);
      } finally {
        this.pendingIndex = [];
      }
    })();
  }

  /** The existing row for a file path, if any. */
  existing(path: string): ExistingTrack | undefined {
    return this.s.trackByPath.get(path);
  }

  /** Inserts a new track (path null for metadata-only records); returns its id. */
  add(fields: TrackFields, file: TrackFile | null): number {
    const row = this.rowFor(fields, file);
    const { id } = this.s.trackAdd.get({ ...row, addedAt: new Date().toISOString() }) as {
      id: number;
    };
    this.pendingIndex.push([id, fields.title, fields.artist, fields.album]);
    return id;
  }

  /** Re-writes a track whose file changed, keeping its id (play history refers to it). */
  update(id: number, file: TrackFields & TrackFile): void {
    this.s.trackUpdate.run({ ...this.rowFor(file, file), id });
    this.s.ftsDel.run(id);
    this.pendingIndex.push([id, file.title, file.artist, file.album]);
  }

  /** A missing file is back unchanged: show it again. */
  restore(id: number): void {
    this.s.unmiss.run(id);
    const t = this.db
      .prepare<[number], { title: string; artist: string; album: string | null }>(
        `SELECT t.title, ar.name AS artist, al.title AS album FROM tracks t
         JOIN artists ar ON ar.id = t.artist_id LEFT JOIN albums al ON al.id = t.album_id
         WHERE t.id = ?`,
      )
      .get(id);
    this.s.ftsDel.run(id);
    if (t) this.s.ftsAdd.run(id, t.title, t.artist, t.album);
  }

  private rowFor(f: TrackFields, file: TrackFile | null) {
    const sortKey = foldKey(f.title);
    const artistId = this.artistId(f.artist);
    return {
      path: file?.path ?? null,
      title: f.title,
      sortKey,
      letter: letterOf(sortKey),
      artistId,
      albumId: f.album ? this.albumId(artistId, f.album, f.artist, f.year) : null,
      categoryId: f.genre ? this.categoryId(f.genre) : null,
      year: f.year,
      trackNo: f.trackNo,
      isrc: f.isrc,
      explicit: f.explicit ? 1 : 0,
      durationMs: Math.round(f.durationMs),
      fileSize: file?.fileSize ?? null,
      fileMtimeMs: file?.fileMtimeMs ?? null,
      coverId: file?.coverId ?? null,
    };
  }

  private artistId(name: string): number {
    const cached = this.artists.get(name);
    if (cached !== undefined) return cached;
    let id = this.s.artistGet.get(name)?.id;
    if (id === undefined) {
      const key = foldKey(name);
      id = (this.s.artistAdd.get(name, key, letterOf(key)) as { id: number }).id;
      this.s.artistFts.run(id, name);
    }
    this.artists.set(name, id);
    return id;
  }

  private albumId(artistId: number, title: string, artist: string, year: number | null): number {
    const k = `${artistId}\u0000${title}`;
    const cached = this.albums.get(k);
    if (cached !== undefined) return cached;
    let id = this.s.albumGet.get(artistId, title)?.id;
    if (id === undefined) {
      const key = foldKey(title);
      id = (this.s.albumAdd.get(title, key, letterOf(key), artistId, year) as { id: number }).id;
      this.s.albumFts.run(id, title, artist);
    }
    this.albums.set(k, id);
    return id;
  }

  private categoryId(name: string): number {
    const cached = this.categories.get(name);
    if (cached !== undefined) return cached;
    const id =
      this.s.categoryGet.get(name)?.id ?? (this.s.categoryAdd.get(name) as { id: number }).id;
    this.categories.set(name, id);
    return id;
  }
}
