import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';
import type { StatusResponse } from '@jukebox/protocol';
import { E2E_CATALOG } from './catalog.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A small catalog made once per machine and reused (the generator is deterministic). */
export const catalogDir = path.join(root, 'test/e2e/.cache/catalog');

export interface CoreProcess {
  url: string;
  wavPath: string;
  dataDir: string;
  status(): Promise<StatusResponse>;
  /** Waits until the start-up import has put at least `n` tracks in the library. */
  waitForTracks(n: number): Promise<void>;
}

export async function startCoreProcess(
  opts: {
    attractAfterSeconds?: number;
    pace?: number;
    money?: MoneyPanel;
    /** More configuration (e.g. `mode: 'retail'`, `retail`, `fleet`), merged at the top. */
    extra?: Record<string, unknown>;
    /** Money section fields beside the devices (e.g. a retail terminal's cent table). */
    moneyConfig?: Record<string, unknown>;
  } = {},
): Promise<{
  core: CoreProcess;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jukebox-e2e-'));
  const money = opts.money
    ? {
        ...opts.moneyConfig,
        devices: [
          {
            id: 'coins',
            driver: 'cctalk',
            path: opts.money.coins,
            options: { coinValues: { US025: 25, US100: 100 } },
          },
          { id: 'notes', driver: 'essp', path: opts.money.notes },
        ],
      }
    : undefined;
  const wavPath = path.join(dir, 'out.wav');
  const configFile = path.join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: path.join(dir, 'data'),
      library: { importDirs: [catalogDir] },
      http: { port: 0 },
      ui: {
        dir: path.join(root, 'apps/kiosk/dist/renderer'),
        attractAfterSeconds: opts.attractAfterSeconds ?? 5,
      },
      audio: { sink: { kind: 'wav', path: wavPath, pace: opts.pace ?? 2 } },
      ...(money ? { money } : {}),
      ...opts.extra,
    }),
  );
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'packages/kiosk-core/dist/cli.js'), '--config', configFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (l) => {
    stderr.push(l);
    if (process.env.E2E_CORE_LOG) console.log(l);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`core did not start:\n${stderr.join('\n')}`)),
      30_000,
    );
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^JUKEBOX_CORE_READY (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`core exited with ${code}:\n${stderr.join('\n')}`));
    });
  });
  const status = async (): Promise<StatusResponse> => {
    const res = await fetch(`${url}/api/v1/status`);
    return (await res.json()) as StatusResponse;
  };
  const core: CoreProcess = {
    url,
    wavPath,
    dataDir: path.join(dir, 'data'),
    status,
    async waitForTracks(n) {
      for (let i = 0; i < 300; i++) {
        if ((await status()).library.tracks >= n) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`library never reached ${n} tracks`);
    },
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { core, stop };
}

/** The money simulator panel (`jukebox-money-sim`): a ccTalk and an eSSP simulator on ptys. */
export interface MoneyPanel {
  coins: string;
  notes: string;
  panel: string;
  /** POSTs to the panel, as a person pressing its buttons would. */
  post(pathname: string, body: unknown): Promise<void>;
}

export async function startMoneyPanel(): Promise<{ money: MoneyPanel; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'firmware-hal/dist/money/sim-panel-cli.js'), '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`money simulator exited with ${code}`)));
  });
  const ends = JSON.parse(line) as { coins: string; notes: string; panel: string };
  const money: MoneyPanel = {
    ...ends,
    async post(pathname, body) {
      const res = await fetch(new URL(pathname, ends.panel), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`panel ${pathname}: ${res.status} ${await res.text()}`);
    },
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  };
  return { money, stop };
}

export const test = base.extend<{ core: CoreProcess }>({
  // Playwright reads fixture dependencies from this destructuring pattern; there are none.
  // eslint-disable-next-line no-empty-pattern
  core: async ({}, use) => {
    const { core, stop } = await startCoreProcess();
    await core.waitForTracks(E2E_CATALOG.tracks);
    await use(core);
    await stop();
  },
});
export { expect } from '@playwright/test';

/** A fleet server process (SQLite in a temp folder) with an admin, for the retail suite. */
export interface FleetProcess {
  url: string;
  /** A one-time enrollment code for a new box. */
  enrollmentCode(): Promise<string>;
}

const FLEET_ADMIN = { username: 'admin', password: 'correct horse battery staple' };

export async function startFleetProcess(): Promise<{
  fleet: FleetProcess;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jukebox-e2e-fleet-'));
  const configFile = path.join(dir, 'fleet.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: path.join(dir, 'data'),
      http: { port: 0 },
      logLevel: 'warn',
      passwords: { scryptLogN: 12 },
    }),
  );
  const cli = path.join(root, 'fleet-server/dist/cli.js');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  // Quiet unless it fails: the suite's output is the tests'.
  const admin = spawnSync(
    process.execPath,
    [
      ...[cli, 'admin', 'create', '--config', configFile],
      ...['--username', FLEET_ADMIN.username, '--password-env', 'E2E_FLEET_PASSWORD'],
    ],
    { env: { ...env, E2E_FLEET_PASSWORD: FLEET_ADMIN.password }, encoding: 'utf8' },
  );
  if (admin.status !== 0) {
    throw new Error(`fleet admin create exited ${admin.status}: ${admin.stderr}`);
  }
  const child = spawn(process.execPath, [cli, 'serve', '--config', configFile], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const serverLog: string[] = [];
  // Warnings and errors only reach the test output when asked for (E2E_CORE_LOG).
  readline.createInterface({ input: child.stderr! }).on('line', (l) => {
    serverLog.push(l);
    if (process.env.E2E_CORE_LOG) console.log(l);
  });
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^FLEET_SERVER_READY (\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`fleet server exited with ${code}:\n${serverLog.join('\n')}`)),
    );
  });
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(FLEET_ADMIN),
  });
  const { token } = (await login.json()) as { token: string };
  const fleet: FleetProcess = {
    url,
    async enrollmentCode() {
      const res = await fetch(`${url}/api/v1/enrollment-codes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      if (!res.ok) throw new Error(`enrollment code: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { code: string }).code;
    },
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { fleet, stop };
}
