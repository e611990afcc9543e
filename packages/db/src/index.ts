export {
  parseDatabaseUrl,
  redactDatabaseUrl,
  DatabaseUrlError,
  SCHEMA_NAME,
  type DatabaseLocation,
  type SqlDialectName,
} from './url.js';
export {
  openDatabase,
  dialectOf,
  untyped,
  DatabaseOpenError,
  type OpenDatabaseOptions,
} from './open.js';
export {
  migrateToLatest,
  migrationStatus,
  DatabaseNewerThanCodeError,
  MigrationFailedError,
  MIGRATION_NAME,
  type Migration,
  type MigrationSet,
  type MigrateOptions,
  type MigrationReport,
  type MigrationStatus,
} from './migrate.js';
export {
  portableColumns,
  encodeJson,
  decodeJson,
  StoredJsonError,
  type PortableColumns,
} from './portable.js';
export {
  RowBatchStatement,
  rowChunkSizes,
  DEFAULT_ROWS_PER_STATEMENT,
  type RowBatchOptions,
} from './row-batch.js';
export { DEFAULT_STATEMENT_CACHE_SIZE } from './statement-cache.js';
export { isUniqueViolation, isForeignKeyViolation } from './errors.js';
