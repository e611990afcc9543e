import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
} from 'kysely';
import type { KyselyPlugin } from 'kysely';
import pg from 'pg';
import { CachingSqliteDatabase, DEFAULT_STATEMENT_CACHE_SIZE } from './statement-cache.js';
import { parseDatabaseUrl, redactDatabaseUrl, type SqlDialectName } from './url.js';

export interface OpenDatabaseOptions {
  /** `sqlite:PATH`, a plain file path, `sqlite::memory:`, or `postgres://…[?schema=NAME]`. */
  url: string;
  /** Base for relative SQLite paths (default: the working directory). */
  baseDir?: string;
  /**
   * PostgreSQL schema to work in (overrides `?schema=` in the URL). It becomes the only entry
   * of the search_path and is created if missing, so unqualified table names land there.
   */
  schema?: string;
  sqlite?: {
    /** How long a writer waits for another connection's lock before SQLITE_BUSY (ms). */
    busyTimeoutMs?: number;
    /**
     * FULL (the default) fsyncs the WAL at every commit: the server acknowledges events to
     * boxes once stored, and an acknowledged event must survive a power cut (DESIGN.md
     * "Data that must never be lost"). NORMAL is faster and only risks the last commits.
     */
    synchronous?: 'FULL' | 'NORMAL';
    /**
     * Prepared statements kept by SQL text (default 256, 0 for none); Kysely's own driver
     * prepares every query anew. See statement-cache.ts.
     */
    statementCacheSize?: number;
  };
  postgres?: {
    /** Pool size per process (default 10). */
    maxConnections?: number;
    /** Give up connecting after this long (ms, default 10 000). */
    connectTimeoutMs?: number;
  };
  /**
   * Told about errors of idle pooled PostgreSQL connections (server restart, network cut).
   * Without a listener pg would raise them as uncaught exceptions and kill the process; the
   * pool replaces the broken connection by itself.
   */
  onBackgroundError?: (error: Error) => void;
  plugins?: KyselyPlugin[];
}

/** The database could not be opened or reached; the message says which one and why. */
export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

/**
 * PostgreSQL returns int8 (ids, millisecond timestamps, count(*)) as strings because they can
 * exceed 2^53. Ours never do, and SQLite hands back numbers, so both dialects return numbers
 * and the same row types hold; a value that would lose precision is an error, not a rounding.
 */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') {
      return (value: string) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds 2^53`);
        return n;
      };
    }
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Opens a database chosen by URL and returns a Kysely instance over it. For SQLite the file
 * (and its folder) is created if needed, in WAL mode with foreign keys enforced and a busy
 * timeout; for PostgreSQL a pool is made and one round trip proves the server is reachable, so
 * a wrong URL fails at start with a clear message instead of at the first request.
 *
 * Close it with `db.destroy()`.
 */
export async function openDatabase<DB>(options: OpenDatabaseOptions): Promise<Kysely<DB>> {
  const location = parseDatabaseUrl(options.url, options.baseDir);
  const plugins = options.plugins ?? [];
  if (location.dialect === 'sqlite') {
    const sqliteOptions = options.sqlite ?? {};
    const file = openSqliteFile(location.path, sqliteOptions);
    let database: CachingSqliteDatabase;
    try {
      database = new CachingSqliteDatabase(
        file,
        sqliteOptions.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE,
      );
    } catch (err) {
      file.close();
      throw err;
    }
    return new Kysely<DB>({ dialect: new SqliteDialect({ database }), plugins });
  }
  const schema = options.schema ?? location.schema;
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: options.postgres?.maxConnections ?? 10,
    connectionTimeoutMillis: options.postgres?.connectTimeoutMs ?? 10_000,
    types: pgTypes,
    // Set at connection start-up, so every pooled connection (and every transaction) sees
    // the same schema without a per-checkout SET that could be forgotten.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', (err) => options.onBackgroundError?.(err));
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }), plugins });
  try {
    if (schema) await ensureSchema(db, schema);
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseOpenError(
      `cannot use PostgreSQL at ${redactDatabaseUrl(location.connectionString)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return db as Kysely<DB>;
}

function openSqliteFile(
  file: string,
  opts: NonNullable<OpenDatabaseOptions['sqlite']>,
): SQLite.Database {
  let database: SQLite.Database;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    database = new SQLite(file);
  } catch (err) {
    throw new DatabaseOpenError(`cannot open SQLite database ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // busy_timeout first: switching to WAL itself needs a lock another process may hold.
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  if (file !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  database.pragma('foreign_keys = ON');
  return database;
}

/**
 * `CREATE SCHEMA IF NOT EXISTS` can still fail with a unique violation when two processes run
 * it at the same moment (PostgreSQL checks the catalog before taking the lock), so a failure
 * is only real if the schema is still missing afterwards.
 */
async function ensureSchema(db: Kysely<unknown>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (err) {
    const found = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.schemata where schema_name = ${schema}`.execute(
      db,
    );
    if (found.rows[0]?.n !== 1) throw err;
  }
}

/**
 * Kysely's database type parameter is invariant, so a `Kysely<FleetDatabase>` is not a
 * `Kysely<unknown>`. The helpers here only run untyped SQL, so they accept any instance and
 * view it without table types.
 */
export function untyped<DB>(db: Kysely<DB>): Kysely<unknown> {
  return db as unknown as Kysely<unknown>;
}

/** Which engine a Kysely instance (or transaction) talks to. */
export function dialectOf<DB>(db: Kysely<DB>): SqlDialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`unsupported Kysely dialect adapter ${adapter.constructor.name}`);
}
