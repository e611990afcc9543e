export { openDatabase, type Db, type OpenDatabaseOptions } from './open.js';
export {
  migrate,
  readMigrations,
  defaultMigrationsDir,
  MigrationError,
  type MigrateOptions,
  type MigrationFile,
} from './migrate.js';
export { cachedStatement } from './statements.js';
