import path from 'node:path';

/** The two SQL engines the fleet runs on (DESIGN.md "Storage"). */
export type SqlDialectName = 'sqlite' | 'postgres';

/** Where a database lives, decoded from the one URL string the configuration carries. */
export type DatabaseLocation =
  | { dialect: 'sqlite'; /** Absolute file path, or `:memory:`. */ path: string }
  | {
      dialect: 'postgres';
      /** The URL handed to `pg`, without our own `schema` parameter. */
      connectionString: string;
      /** Schema to put first (and only) on the search_path, from `?schema=NAME`. */
      schema?: string;
    };

/** A database URL we cannot use, worded for whoever wrote it in the configuration. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/**
 * Schema names are spliced into `SET search_path` and `CREATE SCHEMA`, so they are restricted
 * to plain lower-case identifiers rather than escaped: a name that needs quoting is almost
 * certainly a typo, and refusing it is clearer than creating `"Fleet "`.
 */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Decodes a database URL:
 * - `sqlite:/abs/file.sqlite`, `sqlite:relative/file.sqlite`, `sqlite::memory:`,
 *   or a plain path (`/var/lib/fleet/fleet.sqlite`, `./fleet.sqlite`);
 * - `postgres://…` or `postgresql://…`, optionally with `?schema=NAME` to work inside one
 *   schema (tests use a fresh schema each).
 *
 * Relative SQLite paths resolve against `baseDir` so that a URL means the same file whatever
 * the working directory of the process.
 */
export function parseDatabaseUrl(url: string, baseDir = process.cwd()): DatabaseLocation {
  const text = url.trim();
  if (text === '') throw new DatabaseUrlError('the database URL is empty');
  if (/^postgres(ql)?:\/\//i.test(text)) return parsePostgres(text);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1];
  if (scheme && scheme.toLowerCase() !== 'sqlite' && scheme.length > 1) {
    // One letter would be a Windows drive; anything else is a scheme we do not speak.
    throw new DatabaseUrlError(
      `unsupported database URL scheme "${scheme}:" (use sqlite:PATH, a file path, or postgres://…)`,
    );
  }
  let file = scheme?.toLowerCase() === 'sqlite' ? text.slice('sqlite:'.length) : text;
  if (file.startsWith('//')) file = file.slice(2); // sqlite:///abs/path, the SQLAlchemy style
  if (file === '') throw new DatabaseUrlError('the SQLite URL names no file (sqlite:PATH)');
  if (file === ':memory:') return { dialect: 'sqlite', path: ':memory:' };
  return { dialect: 'sqlite', path: path.resolve(baseDir, file) };
}

function parsePostgres(text: string): DatabaseLocation {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new DatabaseUrlError('the PostgreSQL URL is not a valid URL');
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new DatabaseUrlError(
      `schema "${schema}" in the PostgreSQL URL must be lower-case letters, digits and _ (at most 63)`,
    );
  }
  const connectionString = parsed.toString();
  return schema === undefined
    ? { dialect: 'postgres', connectionString }
    : { dialect: 'postgres', connectionString, schema };
}

/** The URL with any password replaced, for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
