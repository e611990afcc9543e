import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatabaseUrlError, parseDatabaseUrl } from '@jukebox/db';

/** A configuration problem, worded for whoever has to fix the file or the environment. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * The configuration file's shape (JSON). Every field has a default, so an empty file, or
 * none, runs a server on 127.0.0.1:8490 with SQLite in `./fleet-data`: no outside service.
 */
export const fleetConfigFile = z
  .strictObject({
    /** `sqlite:PATH`, a file path, or `postgres://…[?schema=NAME]`. Default: SQLite in dataDir. */
    database: z.string().min(1).optional(),
    /** Folder for the default SQLite file and the blob store. */
    dataDir: z.string().min(1).default('fleet-data'),
    /** Where content blobs live (default: `<dataDir>/blobs`). */
    blobDir: z.string().min(1).optional(),
    http: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8490),
        /** Largest request body accepted; uploads of content go elsewhere, not through JSON. */
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        /** Believe X-Forwarded-For (only behind a proxy you run). */
        trustProxy: z.boolean().default(false),
      })
      .prefault({}),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    sessions: z
      .strictObject({
        /** A session ends this long after login, however active (default 12 h). */
        lifetimeSeconds: seconds(60, 30 * 24 * 3600).default(12 * 3600),
        /** And after this long without a request (default 1 h). */
        idleTimeoutSeconds: seconds(60, 30 * 24 * 3600).default(3600),
      })
      .prefault({})
      .refine((s) => s.idleTimeoutSeconds <= s.lifetimeSeconds, {
        message: 'idleTimeoutSeconds cannot exceed lifetimeSeconds',
        path: ['idleTimeoutSeconds'],
      }),
    passwords: z
      .strictObject({
        /**
         * scrypt cost as log2(N). 15 (N=32768, 32 MiB per hash) is the default; stored hashes
         * carry their own parameters and are upgraded at the next login when this is raised.
         */
        scryptLogN: z.number().int().min(10).max(20).default(15),
      })
      .prefault({}),
    loginThrottle: z
      .strictObject({
        /** Failed logins per username before a lockout starts. */
        freeAttempts: z.number().int().min(1).max(100).default(5),
        /** The lockout doubles with every further failure up to this. */
        maxLockSeconds: seconds(1, 24 * 3600).default(900),
      })
      .prefault({}),
    /** Longest wait for in-flight requests at shutdown before exiting anyway. */
    shutdownTimeoutSeconds: seconds(1, 600).default(30),
    /**
     * The content side (catalog ingest and manifests). The master secret sealing content keys
     * is never read from this file, only from FLEET_CONTENT_KEY_SECRET or the key file.
     */
    content: z
      .strictObject({
        /** Where the master secret is made and kept when the variable is not set. */
        keyFile: z.string().min(1).optional(),
        /** How long a manifest is valid. */
        manifestLifetimeDays: z.number().int().min(1).max(365).default(30),
        /** A manifest is re-issued this long before it expires. */
        manifestRenewDays: z.number().int().min(0).max(364).default(7),
        /** How often the manifest job runs (renewals, boxes that moved or enrolled). */
        manifestJobSeconds: seconds(1, 24 * 3600).default(60),
        /** Largest audio upload, in MiB. */
        maxUploadMB: z
          .number()
          .int()
          .min(1)
          .max(16 * 1024)
          .default(1024),
        /** Ingests running at once (each runs ffmpeg; the rest wait their turn). */
        maxConcurrentIngests: z.number().int().min(1).max(64).default(2),
      })
      .prefault({})
      .refine((c) => c.manifestRenewDays < c.manifestLifetimeDays, {
        message: 'manifestRenewDays must be less than manifestLifetimeDays',
        path: ['manifestRenewDays'],
      }),
  })
  .prefault({});

export type FleetConfigFile = z.input<typeof fleetConfigFile>;

type Parsed = z.output<typeof fleetConfigFile>;

/** The resolved configuration: paths absolute, defaults filled, database chosen. */
export type FleetConfig = Omit<Parsed, 'database' | 'blobDir' | 'content'> & {
  database: string;
  blobDir: string;
  content: Omit<Parsed['content'], 'keyFile'> & { keyFile: string };
};

/**
 * Environment variables, each naming the field it sets. DATABASE_URL is the conventional
 * name; FLEET_DATABASE wins over it when both are set, because a variable named for this
 * server is the more deliberate choice (DATABASE_URL is often set for other tools too).
 */
const ENV: Record<string, string[]> = {
  DATABASE_URL: ['database'],
  FLEET_DATABASE: ['database'],
  FLEET_DATA_DIR: ['dataDir'],
  FLEET_BLOB_DIR: ['blobDir'],
  FLEET_HOST: ['http', 'host'],
  FLEET_PORT: ['http', 'port'],
  FLEET_LOG_LEVEL: ['logLevel'],
  FLEET_SESSION_LIFETIME: ['sessions', 'lifetimeSeconds'],
  FLEET_SESSION_IDLE_TIMEOUT: ['sessions', 'idleTimeoutSeconds'],
  FLEET_CONTENT_KEY_FILE: ['content', 'keyFile'],
  FLEET_MANIFEST_LIFETIME_DAYS: ['content', 'manifestLifetimeDays'],
  FLEET_MANIFEST_RENEW_DAYS: ['content', 'manifestRenewDays'],
  FLEET_MANIFEST_JOB_SECONDS: ['content', 'manifestJobSeconds'],
  FLEET_MAX_UPLOAD_MB: ['content', 'maxUploadMB'],
  FLEET_MAX_INGESTS: ['content', 'maxConcurrentIngests'],
};
const NUMERIC_ENV = new Set([
  'FLEET_PORT',
  'FLEET_SESSION_LIFETIME',
  'FLEET_SESSION_IDLE_TIMEOUT',
  'FLEET_MANIFEST_LIFETIME_DAYS',
  'FLEET_MANIFEST_RENEW_DAYS',
  'FLEET_MANIFEST_JOB_SECONDS',
  'FLEET_MAX_UPLOAD_MB',
  'FLEET_MAX_INGESTS',
]);
const PATH_FIELDS = new Set(['dataDir', 'blobDir', 'content.keyFile']);

export interface LoadConfigOptions {
  /** JSON configuration file; relative paths inside it resolve against its folder. */
  file?: string;
  /** The file's content given directly (embedding, tests); relative paths resolve against cwd. */
  inline?: FleetConfigFile;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type Json = Record<string, unknown>;

function readFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `configuration file not found: ${file}`
        : `cannot read configuration file ${file}: ${(err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `configuration file ${file} is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`configuration file ${file} must hold a JSON object`);
  }
  return raw as Json;
}

function setPath(target: Json, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * Builds the configuration from defaults < file < environment, validates it, and resolves
 * paths. A bad value throws ConfigError naming the field and where it came from (the file or
 * the variable), so the server never starts half-configured.
 */
export function loadConfig(options: LoadConfigOptions = {}): FleetConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ? path.resolve(cwd, options.file) : undefined;
  const raw: Json = file
    ? readFile(file)
    : (structuredClone(options.inline ?? {}) as unknown as Json);
  const fileDir = file ? path.dirname(file) : cwd;

  // Paths from the file resolve against the file; paths from the environment against cwd.
  const base: Record<string, string> = {
    dataDir: fileDir,
    blobDir: fileDir,
    'content.keyFile': fileDir,
  };
  const origin = new Map<string, string>();
  for (const [name, keys] of Object.entries(ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const field = keys.join('.');
    if (name === 'DATABASE_URL' && env.FLEET_DATABASE) continue;
    const numeric = NUMERIC_ENV.has(name) && /^\d+$/.test(value.trim());
    setPath(raw, keys, numeric ? Number(value.trim()) : value);
    origin.set(field, name);
    if (PATH_FIELDS.has(field)) base[field] = cwd;
  }

  const parsed = fleetConfigFile.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(top level)';
      const from = origin.get(field);
      return `  - ${field}${from ? ` (from ${from})` : ''}: ${issue.message}`;
    });
    const source = file ? `configuration (file ${file} and environment)` : 'configuration';
    throw new ConfigError(`${source} is not valid:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(base.dataDir!, c.dataDir);
  return {
    ...c,
    dataDir,
    blobDir: c.blobDir ? path.resolve(base.blobDir!, c.blobDir) : path.join(dataDir, 'blobs'),
    content: {
      ...c.content,
      keyFile: c.content.keyFile
        ? path.resolve(base['content.keyFile']!, c.content.keyFile)
        : path.join(dataDir, 'content-master.key'),
    },
    database: resolveDatabase(
      c.database,
      origin.has('database') ? cwd : fileDir,
      dataDir,
      origin.get('database'),
    ),
  };
}

/**
 * Checks the database URL now (a typo must stop the start, not the first request) and makes
 * relative SQLite paths absolute by the same rule as the other paths.
 */
function resolveDatabase(
  value: string | undefined,
  baseDir: string,
  dataDir: string,
  from: string | undefined,
): string {
  if (value === undefined) return `sqlite:${path.join(dataDir, 'fleet.sqlite')}`;
  try {
    const location = parseDatabaseUrl(value, baseDir);
    return location.dialect === 'sqlite' ? `sqlite:${location.path}` : value;
  } catch (err) {
    if (!(err instanceof DatabaseUrlError)) throw err;
    throw new ConfigError(
      `configuration is not valid:\n  - database${from ? ` (from ${from})` : ''}: ${err.message}`,
    );
  }
}
