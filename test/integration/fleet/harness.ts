import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { statusResponse, type StatusResponse } from '@jukebox/protocol';
import { afterAll, beforeAll } from 'vitest';
import { tempDir, until } from '../support.js';

/*
 * Real processes for the box <-> fleet server suites: the fleet server's CLI (`serve`) and the
 * box core's CLI, both run from their sources through tsx with the @jukebox/source condition,
 * each with its own config file and data folder under a test temp dir.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsx = createRequire(import.meta.url).resolve('tsx');
const NODE = ['--conditions=@jukebox/source', '--import', tsx];
const FLEET_CLI = path.join(root, 'fleet-server/src/cli.ts');
const CORE_CLI = path.join(root, 'packages/kiosk-core/src/cli.ts');
export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

/** Only what a child needs: no DATABASE_URL or other test settings leak into it. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr(): string;
}

/** Spawns a CLI and waits for its READY line on stdout (`<marker> <url>`). */
function spawnReady(
  args: string[],
  marker: string,
  extraEnv: Record<string, string>,
): Promise<Started> {
  const child = spawn(process.execPath, [...NODE, ...args], {
    env: env(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 400_000) err = err.slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${marker} not seen in 60 s:\n${err.slice(-3000)}`)),
      60_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = new RegExp(`${marker} (\\S+)`).exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1], exited, stderr: () => err });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${marker}:\n${err.slice(-3000)}`));
    });
  });
}

/** Runs a CLI to completion. */
function run(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE, ...args], {
      env: env(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

export interface FleetServer {
  url: string;
  configFile: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM (graceful) or SIGKILL, then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a fleet server on `port` (0 = any) with SQLite, or `database` when given. */
export async function startFleetServer(opts: {
  dir: string;
  port?: number;
  database?: string;
  extra?: Record<string, unknown>;
}): Promise<FleetServer> {
  const configFile = path.join(opts.dir, 'fleet-config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: path.join(opts.dir, 'fleet-data'),
      http: { port: opts.port ?? 0, bodyLimitBytes: 64 * 1024 * 1024 },
      logLevel: 'warn',
      // A test admin logs in often; the default cost is for production.
      passwords: { scryptLogN: 12 },
      ...(opts.database ? { database: opts.database } : {}),
      ...opts.extra,
    }),
  );
  const s = await spawnReady(
    [FLEET_CLI, 'serve', '--config', configFile],
    'FLEET_SERVER_READY',
    {},
  );
  return {
    url: s.url,
    configFile,
    child: s.child,
    stderr: s.stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
      await s.exited;
    },
  };
}

/** Creates the first admin with the fleet CLI. */
export async function createAdmin(configFile: string): Promise<void> {
  const r = await run(
    [
      FLEET_CLI,
      'admin',
      'create',
      '--config',
      configFile,
      '--username',
      ADMIN.username,
      '--password-env',
      'FLEET_TEST_PASSWORD',
    ],
    { FLEET_TEST_PASSWORD: ADMIN.password },
  );
  if (r.code !== 0) throw new Error(`admin create failed (${r.code}): ${r.err}`);
}

/** A staff API client: logs in and sends JSON with the bearer token. */
export async function staffClient(url: string) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  const call = async <T = unknown>(method: string, route: string, body?: unknown): Promise<T> => {
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
  return { token, call };
}

export interface BoxProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  stderr(): string;
  status(): Promise<StatusResponse>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a box core linked to `server` (its fleet section), free play, unpaced null sink. */
export async function startBox(opts: {
  dir: string;
  name: string;
  server: string;
  code: string;
  importDirs?: string[];
  extra?: Record<string, unknown>;
}): Promise<BoxProcess> {
  const dataDir = path.join(opts.dir, `${opts.name}-data`);
  const configFile = path.join(opts.dir, `${opts.name}.json`);
  writeFileSync(
    configFile,
    JSON.stringify({
      box: { id: opts.name, name: `Test box ${opts.name}` },
      dataDir,
      http: { port: 0 },
      log: { level: 'info' },
      audio: { sink: { kind: 'null', pace: 0 } },
      library: { importDirs: opts.importDirs ?? [], loudnessWorkers: 1 },
      fleet: {
        server: opts.server,
        enrollmentCode: opts.code,
        maxBackoffSeconds: 2,
        initialBackoffMs: 100,
      },
      ...opts.extra,
    }),
  );
  const s = await spawnReady([CORE_CLI, '--config', configFile], 'JUKEBOX_CORE_READY', {});
  return {
    url: s.url,
    dataDir,
    child: s.child,
    stderr: s.stderr,
    async status() {
      return statusResponse.parse(await (await fetch(`${s.url}/api/v1/status`)).json());
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
      await s.exited;
    },
  };
}

/** `fleet-server catalog import DIR` as the admin, against a running server. */
export function importCatalog(
  serverUrl: string,
  dir: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return run(
    [
      FLEET_CLI,
      'catalog',
      'import',
      dir,
      '--server',
      serverUrl,
      '--username',
      ADMIN.username,
      '--password-env',
      'FLEET_TEST_PASSWORD',
    ],
    { FLEET_TEST_PASSWORD: ADMIN.password },
  );
}

export type StaffClient = Awaited<ReturnType<typeof staffClient>>;

/** A suite's fleet: a server with its first admin signed in; torn down after the suite. */
export interface FleetSuite {
  tmp: ReturnType<typeof tempDir>;
  server: FleetServer;
  staff: StaffClient;
  /** Run in reverse order after the suite (boxes, proxies, the server). */
  closers: (() => Promise<void>)[];
}

/** Registers the suite hooks that start a fleet server with an admin, and stop it after. */
export function useFleetSuite(name: string): FleetSuite {
  const suite = { tmp: tempDir(name), closers: [] } as unknown as FleetSuite;
  beforeAll(async () => {
    suite.server = await startFleetServer({ dir: suite.tmp.dir });
    suite.closers.push(() => suite.server.stop());
    await createAdmin(suite.server.configFile);
    suite.staff = await staffClient(suite.server.url);
  }, 120_000);
  afterAll(async () => {
    for (const close of suite.closers.reverse()) await close().catch(() => undefined);
    suite.tmp.cleanup();
  });
  return suite;
}

/**
 * A box enrolled with a fresh one-time code from `staff`, linked to `server` (a proxy's URL in
 * the fault tests), once its control channel is open. Stopped with the suite.
 */
export async function enrolledBox(
  suite: Pick<FleetSuite, 'tmp' | 'staff' | 'closers'>,
  opts: { name: string; server: string; importDirs?: string[]; codeName?: string; tracks?: number },
): Promise<{ box: BoxProcess; boxId: string; code: string; status: StatusResponse }> {
  const { code } = await suite.staff.call<{ code: string }>(
    'POST',
    '/api/v1/enrollment-codes',
    opts.codeName === undefined ? {} : { name: opts.codeName },
  );
  const box = await startBox({
    dir: suite.tmp.dir,
    name: opts.name,
    server: opts.server,
    code,
    ...(opts.importDirs ? { importDirs: opts.importDirs } : {}),
  });
  suite.closers.push(() => box.stop());
  const status = await until(async () => {
    const s = await box.status();
    return s.fleet?.link === 'open' && s.library.tracks === (opts.tracks ?? 0) && s;
  }, `box ${opts.name} to enroll and link`);
  return { box, boxId: status.fleet?.boxId as string, code, status };
}

/**
 * The box's admitted blobs whose bytes do not hash to their name (a corrupt blob let in), and
 * how many blobs there are in all.
 */
export function badBlobs(box: Pick<BoxProcess, 'dataDir'>): { count: number; bad: string[] } {
  const dir = path.join(box.dataDir, 'content', 'blobs');
  const names = readdirSync(dir);
  const bad = names.filter(
    (name) =>
      createHash('sha256')
        .update(readFileSync(path.join(dir, name)))
        .digest('hex') !== name,
  );
  return { count: names.length, bad };
}
