import { cachedStatement, type Db } from '../db/index.js';

/** Per-connection log of changed track ids (a TEMP table: never on disk, never migrated). */
const table = 'library_search_changes';

/**
 * Which tracks changed since the search index last looked, recorded by TEMP triggers on
 * `tracks` (inserts; updates of title, artist, album or missing; deletes).
 *
 * Tracks are written in several places (the catalog writer, the importer flagging missing
 * files, the content installer hiding delisted tracks); the triggers see all of them without
 * each writer having to report to the index, and an update lands in the log in the writer's
 * own transaction, so a rolled-back write leaves no entry. TEMP objects belong to this
 * connection only, are gone when it closes, and add nothing to the schema or to migrations.
 * Writes through another connection are not seen; the core has one.
 *
 * The log holds each id once, so it never grows past the number of tracks. It has one reader
 * per connection (`take()` empties it): `SearchIndex.of` keeps one index per connection.
 */
export class TrackChanges {
  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY);
      CREATE TEMP TRIGGER IF NOT EXISTS ${table}_insert AFTER INSERT ON main.tracks
      BEGIN
        INSERT OR IGNORE INTO ${table} (id) VALUES (new.id);
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${table}_update
        AFTER UPDATE OF title, artist_id, album_id, missing ON main.tracks
        WHEN old.title IS NOT new.title OR old.artist_id IS NOT new.artist_id
          OR old.album_id IS NOT new.album_id OR old.missing IS NOT new.missing
      BEGIN
        INSERT OR IGNORE INTO ${table} (id) VALUES (old.id), (new.id);
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${table}_delete AFTER DELETE ON main.tracks
      BEGIN
        INSERT OR IGNORE INTO ${table} (id) VALUES (old.id);
      END;
    `);
  }

  /** Forgets what was logged (before reading the whole library). */
  clear(): void {
    cachedStatement(this.db, `DELETE FROM ${table}`).run();
  }

  /**
   * The logged tracks as they are now, by ascending id, and empties the log. `missing` is 1
   * for a track flagged missing or deleted. Call outside a transaction: inside one, the rows
   * may still be rolled back.
   */
  take(): ChangedTrack[] {
    if (
      cachedStatement<[], { n: number }>(this.db, `SELECT 1 AS n FROM ${table} LIMIT 1`).get() ===
      undefined
    ) {
      return [];
    }
    const rows = cachedStatement<[], ChangedTrack>(
      this.db,
      `SELECT c.id, t.title, t.artist_id AS artistId, t.album_id AS albumId,
         coalesce(t.missing, 1) AS missing
       FROM ${table} c LEFT JOIN tracks t ON t.id = c.id ORDER BY c.id`,
    ).all();
    this.clear();
    return rows;
  }
}

export interface ChangedTrack {
  id: number;
  title: string | null;
  artistId: number | null;
  albumId: number | null;
  missing: number;
}
