import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { dialectOf, untyped } from './open.js';

export type { Migration };

/**
 * The migrations of one owner (fleet-server owns its own), keyed by name. Names are
 * `NNNN_what_it_does`: Kysely applies them in name order, so the fixed-width number keeps
 * `0010_…` after `0009_…`. A migration, once released, never changes (STYLE.md item 7); a fix
 * is a new migration.
 */
export type MigrationSet = Readonly<Record<string, Migration>>;

export const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+$/;

export interface MigrateOptions {
  /** Bookkeeping table (default `kysely_migration`; its lock table gets `_lock` appended). */
  tableName?: string;
}

export interface MigrationReport {
  /** Applied by this run, in order. */
  applied: string[];
  /** Already in the database before this run. */
  alreadyApplied: string[];
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Recorded in the database but unknown to this code: the database is newer than the code. */
  unknown: string[];
}

/**
 * The database was migrated by a newer version of the software. Running older code against
 * it could corrupt data written under rules it does not know, so the start is refused.
 */
export class DatabaseNewerThanCodeError extends Error {
  override readonly name = 'DatabaseNewerThanCodeError';
  constructor(readonly unknown: readonly string[]) {
    super(
      `the database has migrations this version does not know (${unknown.join(', ')}): ` +
        'it was upgraded by a newer release. Run that release (or newer), or restore a backup ' +
        'taken before the upgrade; this version will not touch it.',
    );
  }
}

/** A migration failed; `migration` names it and `cause` is the database's error. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
  }
}

function checkNames(migrations: MigrationSet): string[] {
  const names = Object.keys(migrations).sort();
  const bad = names.filter((n) => !MIGRATION_NAME.test(n));
  if (bad.length) {
    throw new Error(`migration names must look like 0001_create_things: ${bad.join(', ')}`);
  }
  return names;
}

/**
 * On PostgreSQL Kysely looks for its bookkeeping table in every schema unless told which one,
 * so a table in another schema (another test's, or `public`) would be mistaken for ours.
 * Pinning it to the current schema (the first on the search_path) keeps schemas independent.
 */
async function bookkeepingSchema(db: Kysely<unknown>): Promise<string | undefined> {
  if (dialectOf(db) !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL has no current schema: check the search_path');
  return schema;
}

async function appliedNames(
  db: Kysely<unknown>,
  table: string,
  schema: string | undefined,
): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === table && (schema === undefined || t.schema === schema))) {
    return [];
  }
  const ref = schema === undefined ? sql.table(table) : sql.table(`${schema}.${table}`);
  const { rows } = await sql<{ name: string }>`select name from ${ref}`.execute(db);
  return rows.map((r) => r.name).sort();
}

/** What is applied, pending, and (a refusal reason) unknown, without changing anything. */
export async function migrationStatus<DB>(
  typedDb: Kysely<DB>,
  migrations: MigrationSet,
  options: MigrateOptions = {},
): Promise<MigrationStatus> {
  const db = untyped(typedDb);
  const names = checkNames(migrations);
  const schema = await bookkeepingSchema(db);
  const applied = await appliedNames(db, options.tableName ?? 'kysely_migration', schema);
  const known = new Set(names);
  const done = new Set(applied);
  return {
    applied: applied.filter((n) => known.has(n)),
    pending: names.filter((n) => !done.has(n)),
    unknown: applied.filter((n) => !known.has(n)),
  };
}

/**
 * Brings the database up to the newest migration in `migrations` and reports what it did.
 * Refuses (DatabaseNewerThanCodeError) a database carrying migrations the code does not know.
 * Runs under Kysely's migration lock, so several server processes starting at once apply
 * each migration once. On PostgreSQL the whole run is one transaction; SQLite DDL is applied
 * migration by migration.
 */
export async function migrateToLatest<DB>(
  typedDb: Kysely<DB>,
  migrations: MigrationSet,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const db = untyped(typedDb);
  const before = await migrationStatus(db, migrations, options);
  if (before.unknown.length) throw new DatabaseNewerThanCodeError(before.unknown);
  const tableName = options.tableName ?? 'kysely_migration';
  const schema = await bookkeepingSchema(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableName: tableName,
    migrationLockTableName: `${tableName}_lock`,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    if (failed) throw new MigrationFailedError(failed, error);
    // A newer process may have migrated between our check and the lock: say so plainly.
    const after = await migrationStatus(db, migrations, options);
    if (after.unknown.length) throw new DatabaseNewerThanCodeError(after.unknown);
    throw error instanceof Error ? error : new Error(String(error));
  }
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const appliedSet = new Set(applied);
  return {
    applied,
    alreadyApplied: before.applied.filter((n) => !appliedSet.has(n)),
  };
}
