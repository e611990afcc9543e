import path from 'node:path';
import { MAX_COVER_BYTES } from '@jukebox/media';
import { ConfigError, type FleetConfig } from '../config.js';
import { MIN_SECRET_LENGTH } from './master-key.js';

/** Settings of the content side; see the README section "Catalog and content". */
export interface ContentSettings {
  /** FLEET_CONTENT_KEY_SECRET: the master secret that seals content keys at rest. */
  masterSecret: string | undefined;
  /** Used when no secret is configured: made on first use, must be backed up. */
  masterKeyFile: string;
  /** How long a manifest is valid (default 30 days). */
  manifestLifetimeMs: number;
  /** A manifest is re-issued this long before it expires (default 7 days). */
  renewAheadMs: number;
  /** How often the manifest job runs (renewals, boxes that moved route or just enrolled). */
  jobIntervalMs: number;
  /** Largest audio upload. */
  maxUploadBytes: number;
  /** Largest cover or graphic upload. */
  maxImageBytes: number;
  /** Ingests running at once (each runs ffmpeg; the rest wait their turn). */
  maxConcurrentIngests: number;
  /** Folder for uploads being ingested (on the data disk, not in a small /tmp). */
  workDir: string;
}

const DAY_MS = 24 * 3600 * 1000;
const MIB = 1024 * 1024;

/**
 * The content settings for `config` (its `content` section, which the environment's
 * FLEET_MANIFEST_* and FLEET_MAX_* variables fill in config.ts). The master secret is read
 * from the environment only, never from a file that may be copied around with the rest of
 * the configuration; a bad one is a ConfigError.
 */
export function contentSettings(
  config: FleetConfig,
  env: NodeJS.ProcessEnv = process.env,
): ContentSettings {
  const secret = env.FLEET_CONTENT_KEY_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `FLEET_CONTENT_KEY_SECRET must have at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
  const c = config.content;
  return {
    masterSecret: secret || undefined,
    masterKeyFile: c.keyFile,
    manifestLifetimeMs: c.manifestLifetimeDays * DAY_MS,
    renewAheadMs: c.manifestRenewDays * DAY_MS,
    jobIntervalMs: c.manifestJobSeconds * 1000,
    maxUploadBytes: c.maxUploadMB * MIB,
    maxImageBytes: MAX_COVER_BYTES,
    maxConcurrentIngests: c.maxConcurrentIngests,
    workDir: path.join(config.dataDir, 'ingest'),
  };
}
