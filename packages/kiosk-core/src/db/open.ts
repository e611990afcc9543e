import Database from 'better-sqlite3';
import { migrate, type MigrateOptions } from './migrate.js';

/** The better-sqlite3 connection type used across the core. */
export type Db = Database.Database;

export interface OpenDatabaseOptions extends MigrateOptions {
  /** Skip running migrations (for tools that only inspect). Default false. */
  skipMigrations?: boolean;
}

/**
 * Opens (creating if needed) the box database and brings its schema up to date.
 * Throws a {@link MigrationError} when a recorded migration file was changed.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const db = new Database(file);
  try {
    // WAL lets the UI read while the importer or the player writes.
    db.pragma('journal_mode = WAL');
    // FULL fsyncs the WAL on every commit. Plays (and, later, money) must survive a power cut
    // the moment the transaction returns; NORMAL could lose the last commits in WAL mode.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // The sync agent and the server may write from other connections; wait rather than fail.
    db.pragma('busy_timeout = 5000');
    // 32 MiB of page cache: bulk imports write several indexes in random key order, and the
    // 2 MiB default makes them spill and re-read pages.
    db.pragma('cache_size = -32768');
    if (!options.skipMigrations) migrate(db, options);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
