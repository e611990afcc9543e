import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase, type MigrationReport } from '@jukebox/db';
import type { FleetConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { fleetMigrations } from './migrations/index.js';
import type { FleetDatabase } from './schema.js';

/** Opens the configured database (without migrating it). */
export function openFleetDatabase(
  config: FleetConfig,
  log?: Logger,
): Promise<Kysely<FleetDatabase>> {
  return openDatabase<FleetDatabase>({
    url: config.database,
    onBackgroundError: (err) => log?.warn({ err }, 'database connection error (pool recovers)'),
  });
}

/** Applies pending fleet migrations; refuses a database newer than this code. */
export function migrateFleetDatabase(db: Kysely<FleetDatabase>): Promise<MigrationReport> {
  return migrateToLatest(db, fleetMigrations);
}
