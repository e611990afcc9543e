#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { staffRole, staffUsername, type StaffRole } from '@jukebox/protocol';
import {
  DatabaseNewerThanCodeError,
  DatabaseOpenError,
  MigrationFailedError,
  migrationStatus,
} from '@jukebox/db';
import { buildServer } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type FleetConfig } from './config.js';
import { migrateFleetDatabase, openFleetDatabase } from './db/open.js';
import { fleetMigrations } from './db/migrations/index.js';
import { catalogCommand } from './content/import-cli.js';
import { FleetError } from './errors.js';
import { createLogger } from './logger.js';
import { createFleetContext } from './services.js';
import { installShutdownHandlers } from './shutdown.js';
import { checkPasswordPolicy, WeakPasswordError } from './staff/passwords.js';

const USAGE = `Usage: fleet-server <command> [options]

Commands:
  serve                      run the server; prints "FLEET_SERVER_READY <url>" on stdout
    --host HOST --port N       override the configured address (port 0: any free port)
  migrate                    apply pending database migrations and list them
    --status                   only show applied / pending migrations
  admin create               create a staff account (the first admin, typically)
    --username NAME            required
    --display-name TEXT
    --roles LIST               comma-separated (default: admin)
    --password-env VAR         read the password from this variable, not from stdin
  admin reset-password       set a new password for an account (ends its sessions)
    --username NAME --password-env VAR
  catalog import DIR         upload every audio file in DIR through the API of a running server
    --server URL --username NAME [--password-env VAR]
                               exit 1 if any file failed (each is named with its reason)

Every command takes --config FILE (JSON). The environment overrides the file: DATABASE_URL or
FLEET_DATABASE, FLEET_DATA_DIR, FLEET_BLOB_DIR, FLEET_HOST, FLEET_PORT, FLEET_LOG_LEVEL,
FLEET_SESSION_LIFETIME, FLEET_SESSION_IDLE_TIMEOUT. Passwords are read from stdin (one line)
unless --password-env is given; they need at least 12 characters. Logs go to stderr.

Exit status: 0 done, 1 failed, 2 bad command line or configuration.`;

/** A mistake on the command line: exit 2 with the message (and no stack). */
class UsageError extends Error {}

const OPTIONS = {
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  status: { type: 'boolean' },
  username: { type: 'string' },
  'display-name': { type: 'string' },
  roles: { type: 'string' },
  'password-env': { type: 'string' },
  server: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  // `catalog import DIR` takes a folder after the command words.
  if (positionals[0] === 'catalog') return catalogCommand(positionals.slice(1), values);
  const command = positionals.join(' ');
  switch (command) {
    case 'serve':
      return serve(values);
    case 'migrate':
      return migrate(values);
    case 'admin create':
      return adminCreate(values);
    case 'admin reset-password':
      return adminResetPassword(values);
    default:
      throw new UsageError(`unknown command "${command}"; see fleet-server --help`);
  }
}

function config(values: Values): FleetConfig {
  return loadConfig({ file: values.config });
}

async function serve(values: Values): Promise<number> {
  const cfg = config(values);
  if (values.host) cfg.http.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      throw new UsageError(`--port must be 0-65535, not "${values.port}"`);
    }
    cfg.http.port = port;
  }
  const log = createLogger(cfg.logLevel);
  const server = await buildServer(cfg, { logger: log });
  const url = await server.listen();
  installShutdownHandlers(() => server.close(), {
    timeoutMs: cfg.shutdownTimeoutSeconds * 1000,
    log,
  });
  process.stdout.write(`FLEET_SERVER_READY ${url}\n`);
  // Keep running: the shutdown handlers end the process.
  return new Promise<number>(() => undefined);
}

async function migrate(values: Values): Promise<number> {
  const cfg = config(values);
  const db = await openFleetDatabase(cfg, createLogger('warn'));
  try {
    if (values.status) {
      const status = await migrationStatus(db, fleetMigrations);
      for (const name of status.applied) console.log(`applied  ${name}`);
      for (const name of status.pending) console.log(`pending  ${name}`);
      for (const name of status.unknown) console.log(`UNKNOWN  ${name} (from a newer release)`);
      return status.unknown.length ? 1 : 0;
    }
    const report = await migrateFleetDatabase(db);
    for (const name of report.applied) console.log(`applied ${name}`);
    console.log(
      report.applied.length
        ? `database is up to date (${report.applied.length} applied now)`
        : 'database was already up to date',
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

/** Runs `work` with the services over the migrated database, then closes it. */
async function withServices<T>(
  cfg: FleetConfig,
  work: (ctx: ReturnType<typeof createFleetContext>) => Promise<T>,
): Promise<T> {
  const log = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
  const db = await openFleetDatabase(cfg, log);
  try {
    const report = await migrateFleetDatabase(db);
    if (report.applied.length) log.warn({ applied: report.applied }, 'database migrated');
    return await work(createFleetContext(cfg, db, systemClock, log));
  } finally {
    await db.destroy();
  }
}

function requireUsername(values: Values): string {
  if (!values.username) throw new UsageError('--username NAME is required');
  const parsed = staffUsername.safeParse(values.username);
  if (!parsed.success) {
    throw new UsageError(`--username: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function parseRoles(list: string | undefined): StaffRole[] {
  if (list === undefined) return ['admin'];
  const roles = list
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of roles) {
    if (!staffRole.safeParse(role).success) {
      throw new UsageError(`unknown role "${role}"; roles are ${staffRole.options.join(', ')}`);
    }
  }
  return [...new Set(roles)] as StaffRole[];
}

/** The password from the named variable, or the first line of stdin. Checked before any work. */
async function readPassword(values: Values): Promise<string> {
  let password: string;
  const variable = values['password-env'];
  if (variable) {
    const value = process.env[variable];
    if (value === undefined) throw new UsageError(`--password-env: ${variable} is not set`);
    password = value;
  } else {
    if (process.stdin.isTTY) process.stderr.write('Password (shown as typed): ');
    password = await firstLineOfStdin();
  }
  try {
    checkPasswordPolicy(password);
  } catch (err) {
    if (err instanceof WeakPasswordError) throw new UsageError(`refused: ${err.message}`);
    throw err;
  }
  return password;
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

async function adminCreate(values: Values): Promise<number> {
  const cfg = config(values);
  const username = requireUsername(values);
  const roles = parseRoles(values.roles);
  const password = await readPassword(values);
  const user = await withServices(cfg, (ctx) =>
    ctx.staff.create({ username, displayName: values['display-name'], password, roles }, null),
  );
  console.log(
    `created staff user ${user.username} (id ${user.id}) with roles ${user.roles.join(', ') || 'none'}`,
  );
  return 0;
}

async function adminResetPassword(values: Values): Promise<number> {
  const cfg = config(values);
  const username = requireUsername(values);
  const password = await readPassword(values);
  await withServices(cfg, async (ctx) => {
    const id = await ctx.staff.findIdByUsername(username);
    if (id === undefined) throw new FleetError('not_found', `no staff user "${username}"`);
    await ctx.staff.resetPassword(id, password, null);
  });
  console.log(`password of ${username} reset; their sessions have ended`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`fleet-server: ${err.message}\n`);
      process.exitCode = 2;
    } else if (
      err instanceof FleetError ||
      err instanceof DatabaseNewerThanCodeError ||
      err instanceof DatabaseOpenError ||
      err instanceof MigrationFailedError
    ) {
      process.stderr.write(`fleet-server: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`fleet-server: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
