import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

/**
 * The shipped migrations folder. This file sits at `src/db/` under vitest and at `dist/db/`
 * when built, so the package's `migrations/` is two levels up in both cases.
 */
export const defaultMigrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

const fileName = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface MigrateOptions {
  /** Folder of `NNNN_name.sql` files; defaults to the package's `migrations/`. */
  migrationsDir?: string;
}

/** One migration file found on disk. */
export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** A migration problem that must stop the start-up (never repaired silently). */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Reads and validates the migration files, in version order. */
export function readMigrations(dir: string = defaultMigrationsDir): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.sql')) continue;
    const m = fileName.exec(entry);
    if (!m) throw new MigrationError(`migration file name "${entry}" is not NNNN_name.sql`);
    const sql = readFileSync(`${dir}/${entry}`, 'utf8');
    files.push({
      version: Number(m[1]),
      name: m[2] ?? entry,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  files.forEach((f, i) => {
    if (f.version !== i + 1) {
      throw new MigrationError(
        `migrations must be numbered 1, 2, 3...; found ${f.version} at ${i + 1}`,
      );
    }
  });
  return files;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies pending migrations in order, each inside its own transaction together with its
 * `schema_migrations` row, so a crash leaves either all or nothing of a migration.
 * Returns the versions applied by this call (empty when up to date).
 */
export function migrate(db: Database.Database, options: MigrateOptions = {}): number[] {
  const files = readMigrations(options.migrationsDir);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = db
    .prepare<[], AppliedRow>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    )
    .all();
  for (const row of applied) {
    const file = files.find((f) => f.version === row.version);
    if (!file) {
      throw new MigrationError(
        `database has migration ${row.version} (${row.name}) but this build does not: ` +
          'it was written by a newer version',
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.version}_${row.name}.sql changed after it was applied ` +
          '(migrations are immutable: add a new numbered file instead)',
      );
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  const ran: number[] = [];
  for (const file of files) {
    if (done.has(file.version)) continue;
    db.transaction(() => {
      db.exec(file.sql);
      record.run(file.version, file.name, file.checksum, new Date().toISOString());
    })();
    ran.push(file.version);
  }
  return ran;
}
