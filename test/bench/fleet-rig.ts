import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { statusResponse, type StatusResponse } from '@jukebox/protocol';
import { root } from './common.js';
import { runToEnd, spawnTs, waitForLine, type Cleanup, type Spawned } from './fleet-procs.js';

/*
 * A fleet server and box cores as real processes, the way test/integration/fleet/harness.ts
 * starts them (CLI `serve`, the core's CLI, each with its own config file and data folder),
 * plus the seeding script that fills the server's catalog before it starts.
 */

const FLEET_CLI = path.join(root, 'fleet-server/src/cli.ts');
const CORE_CLI = path.join(root, 'packages/kiosk-core/src/cli.ts');
const SEED = path.join(root, 'test/bench/fleet-seed.ts');
const ADMIN = { username: 'bench-admin', password: 'a bench password, long enough' };

export interface FleetRig {
  dir: string;
  configFile: string;
  /** The secret sealing content keys: the seeding script and the server must share it. */
  env: Record<string, string>;
}

/** Writes a server config (SQLite in `dir`, quiet logs) and makes the content key secret. */
export function fleetRig(dir: string): FleetRig {
  const configFile = path.join(dir, 'fleet-config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: path.join(dir, 'fleet-data'),
      http: { port: 0 },
      logLevel: 'warn',
      // The bench admin logs in once; the production cost buys nothing here.
      passwords: { scryptLogN: 12 },
    }),
  );
  return {
    dir,
    configFile,
    env: { FLEET_CONTENT_KEY_SECRET: randomBytes(32).toString('base64url') },
  };
}

export interface SeededTrack {
  id: string;
  sha256: string;
  size: number;
  /** Path of the blob file relative to the blob folder. */
  relPath: string;
}

export interface SeededCatalog {
  blobDir: string;
  tracks: SeededTrack[];
}

/** Runs fleet-seed.ts: `count` synthetic tracks of `bytes` each, before the server starts. */
export async function seedTracks(
  rig: FleetRig,
  count: number,
  bytes: number,
): Promise<SeededCatalog> {
  const out = path.join(rig.dir, 'seeded.json');
  await runToEnd(
    SEED,
    [
      'tracks',
      '--config',
      rig.configFile,
      '--count',
      `${count}`,
      '--bytes',
      `${bytes}`,
      '--out',
      out,
    ],
    { env: rig.env },
  );
  return JSON.parse(readFileSync(out, 'utf8')) as SeededCatalog;
}

/** Runs fleet-seed.ts: boxes with the public keys in `keysFile`, enrolled as enrollment would. */
export async function seedBoxes(rig: FleetRig, keysFile: string): Promise<void> {
  await runToEnd(SEED, ['boxes', '--config', rig.configFile, '--keys', keysFile], {
    env: rig.env,
  });
}

export interface ServerProcess extends Spawned {
  url: string;
  port: number;
}

/** `fleet-server serve` with the rig's config; resolves once it prints its READY line. */
export async function startServer(
  rig: FleetRig,
  cleanup: Cleanup,
  opts: { env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const s = spawnTs(FLEET_CLI, ['serve', '--config', rig.configFile], {
    env: { ...rig.env, ...opts.env },
  });
  cleanup.push(() => s.stop());
  const m = await waitForLine(s, /FLEET_SERVER_READY (http:\/\/127\.0\.0\.1:(\d+))/);
  return { ...s, url: m[1]!, port: Number(m[2]) };
}

/** The first admin (CLI), then a logged-in staff API client. */
export async function staffClient(rig: FleetRig, url: string) {
  await runToEnd(
    FLEET_CLI,
    [
      'admin',
      'create',
      '--config',
      rig.configFile,
      '--username',
      ADMIN.username,
      '--password-env',
      'BENCH_ADMIN_PASSWORD',
    ],
    { env: { ...rig.env, BENCH_ADMIN_PASSWORD: ADMIN.password } },
  );
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return async <T = unknown>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

export type Staff = Awaited<ReturnType<typeof staffClient>>;

/** A content set holding these tracks (not yet assigned to anyone). */
export async function makeSet(staff: Staff, name: string, trackIds: string[]): Promise<number> {
  const set = await staff<{ id: number }>('POST', '/api/v1/content-sets', { name });
  await staff('PUT', `/api/v1/content-sets/${set.id}/items`, { trackIds, graphicIds: [] });
  return set.id;
}

export interface BoxProcess extends Spawned {
  url: string;
  dataDir: string;
  status(): Promise<StatusResponse>;
}

export interface BoxOptions {
  /** Extra environment for the core (e.g. NODE_OPTIONS for a CPU profile). */
  env?: Record<string, string>;
  /** The core's log level (default warn); logs go to its stderr. */
  logLevel?: string;
}

/**
 * A box core enrolled with a fresh code, talking to `server` (the proxy in front of the real
 * server): free play, unpaced null sink, no music of its own.
 */
export async function startBox(
  rig: FleetRig,
  staff: Staff,
  name: string,
  server: string,
  cleanup: Cleanup,
  opts: BoxOptions = {},
): Promise<BoxProcess> {
  const { code } = await staff<{ code: string }>('POST', '/api/v1/enrollment-codes', { name });
  const dataDir = path.join(rig.dir, `${name}-data`);
  const configFile = path.join(rig.dir, `${name}.json`);
  writeFileSync(
    configFile,
    JSON.stringify({
      box: { id: name, name: `Bench box ${name}` },
      dataDir,
      http: { port: 0 },
      log: { level: opts.logLevel ?? 'warn' },
      audio: { sink: { kind: 'null', pace: 0 } },
      library: { importDirs: [], loudnessWorkers: 1 },
      // A cut connection is retried within a second or two, as on a box with a flaky line.
      fleet: { server, enrollmentCode: code, maxBackoffSeconds: 2 },
    }),
  );
  const s = spawnTs(CORE_CLI, ['--config', configFile], { env: opts.env ?? {} });
  cleanup.push(() => s.stop());
  const m = await waitForLine(s, /JUKEBOX_CORE_READY (\S+)/);
  const url = m[1]!;
  return {
    ...s,
    url,
    dataDir,
    async status() {
      return statusResponse.parse(await (await fetch(`${url}/api/v1/status`)).json());
    },
  };
}
