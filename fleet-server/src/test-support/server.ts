import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestDatabaseTarget } from '@jukebox/db/testing';
import type { StaffRole } from '@jukebox/protocol';
import { buildServer, type BuildServerOptions, type FleetServer } from '../app.js';
import { loadConfig, type FleetConfigFile } from '../config.js';
import { ManualClock } from './clock.js';

export const ADMIN_PASSWORD = 'admin password 1';
export const STAFF_PASSWORD = 'staff password 1';

export interface TestServer {
  readonly server: FleetServer;
  readonly url: string;
  readonly clock: ManualClock;
  /** A bearer token of the bootstrap admin (`admin`). */
  readonly adminToken: string;
  readonly adminId: number;
  /** JSON request; returns status, parsed body (or text) and headers. */
  call(method: string, path: string, init?: CallInit): Promise<CallResult>;
  login(username: string, password: string): Promise<string>;
  /** Creates a staff member with these roles (through the service) and signs them in. */
  createStaff(username: string, roles: StaffRole[]): Promise<{ id: number; token: string }>;
  close(): Promise<void>;
}

export interface CallInit {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * A real server on 127.0.0.1, port 0, over a fresh database of `target`, with a manual clock
 * and a cheap scrypt cost, an admin account and its token. Close it to drop everything.
 */
export async function startTestServer(
  target: TestDatabaseTarget,
  config: FleetConfigFile = {},
  options: BuildServerOptions = {},
): Promise<TestServer> {
  const database = await target.create();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fleet-test-'));
  const clock = new ManualClock();
  const cleanups: (() => Promise<void>)[] = [
    async () => rmSync(dataDir, { recursive: true, force: true }),
    () => database.dispose(),
  ];
  let server: FleetServer;
  try {
    const resolved = loadConfig({
      env: {},
      cwd: dataDir,
      inline: {
        logLevel: 'silent',
        passwords: { scryptLogN: 10 },
        ...config,
        http: { ...config.http, host: '127.0.0.1', port: 0 },
        dataDir,
        database: database.url,
      },
    });
    server = await buildServer(resolved, { clock, ...options });
  } catch (err) {
    for (const c of cleanups) await c();
    throw err;
  }
  const url = await server.listen();

  const call = async (
    method: string,
    urlPath: string,
    init: CallInit = {},
  ): Promise<CallResult> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + urlPath, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const login = async (username: string, password: string) => {
    const res = await call('POST', '/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200)
      throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { token: string }).token;
  };

  const admin = await server.context.staff.create(
    { username: 'admin', password: ADMIN_PASSWORD, roles: ['admin'] },
    null,
  );
  const adminToken = await login('admin', ADMIN_PASSWORD);

  return {
    server,
    url,
    clock,
    adminToken,
    adminId: admin.id,
    call,
    login,
    async createStaff(username, roles) {
      const user = await server.context.staff.create(
        { username, password: STAFF_PASSWORD, roles },
        null,
      );
      return { id: user.id, token: await login(username, STAFF_PASSWORD) };
    },
    async close() {
      await server.close();
      for (const c of cleanups) await c();
    },
  };
}
