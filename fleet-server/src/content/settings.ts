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
 * Variables read here, with their bounds. (The JSON configuration file is strict and owned by
 * config.ts; until it grows a `content` section these come from the environment only.)
 */
const NUMBERS = {
  FLEET_MANIFEST_LIFETIME_DAYS: { min: 1, max: 365 },
  FLEET_MANIFEST_RENEW_DAYS: { min: 0, max: 364 },
  FLEET_MANIFEST_JOB_SECONDS: { min: 1, max: 24 * 3600 },
  FLEET_MAX_UPLOAD_MB: { min: 1, max: 16 * 1024 },
  FLEET_MAX_INGESTS: { min: 1, max: 64 },
} as const;

function number(env: NodeJS.ProcessEnv, name: keyof typeof NUMBERS, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  const { min, max } = NUMBERS[name];
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** The content settings for `config`, from the environment; a bad value is a ConfigError. */
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
  const lifetimeDays = number(env, 'FLEET_MANIFEST_LIFETIME_DAYS', 30);
  const renewDays = number(env, 'FLEET_MANIFEST_RENEW_DAYS', 7);
  if (renewDays >= lifetimeDays) {
    throw new ConfigError(
      'FLEET_MANIFEST_RENEW_DAYS must be less than FLEET_MANIFEST_LIFETIME_DAYS',
    );
  }
  return {
    masterSecret: secret || undefined,
    masterKeyFile: env.FLEET_CONTENT_KEY_FILE
      ? path.resolve(env.FLEET_CONTENT_KEY_FILE)
      : path.join(config.dataDir, 'content-master.key'),
    manifestLifetimeMs: lifetimeDays * DAY_MS,
    renewAheadMs: renewDays * DAY_MS,
    jobIntervalMs: number(env, 'FLEET_MANIFEST_JOB_SECONDS', 60) * 1000,
    maxUploadBytes: number(env, 'FLEET_MAX_UPLOAD_MB', 1024) * MIB,
    maxImageBytes: MAX_COVER_BYTES,
    maxConcurrentIngests: number(env, 'FLEET_MAX_INGESTS', 2),
    workDir: path.join(config.dataDir, 'ingest'),
  };
}
