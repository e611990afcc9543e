import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { testDatabaseTargets, type TestDatabase } from '@jukebox/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServeProcess } from './test-support/process.js';

// The CLI as a real process: bootstrap an admin, run the server, stop it with SIGTERM while
// a request is in flight. Each spawn runs TypeScript through tsx, so these take seconds.

const PASSWORD = 'the first admin password';

describe('CLI input checks', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { FLEET_DATA_DIR: dir };

  it('refuses a weak password read from stdin, before touching the database', async () => {
    const res = await runCli(['admin', 'create', '--username', 'boss'], { env, input: 'short\n' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('refused: the password is too short: use at least 12 characters');
    expect(res.stdout).toBe('');
    expect(existsSync(path.join(dir, 'fleet.sqlite'))).toBe(false);
  }, 30_000);

  it('names the bad field of a bad configuration and exits 2', async () => {
    const config = path.join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ http: { port: 'eighty' } }));
    const res = await runCli(['migrate', '--config', config], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/http\.port: Invalid input: expected number/);
  }, 30_000);

  it('explains unknown commands, options and roles', async () => {
    const unknown = await runCli(['frobnicate'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const role = await runCli(
      ['admin', 'create', '--username', 'x1', '--roles', 'root', '--password-env', 'P'],
      {
        env: { ...env, P: PASSWORD },
      },
    );
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('unknown role "root"');
  }, 60_000);
});

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`the fleet-server process on ${target.dialect}`, () => {
    let database: TestDatabase;
    let dir: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      database = await target.create();
      dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-proc-'));
      env = { FLEET_DATA_DIR: dir, FLEET_DATABASE: database.url, ADMIN_PW: PASSWORD };
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await database?.dispose();
    });

    it('migrates, then creates the first admin from --password-env, once', async () => {
      const migrate = await runCli(['migrate'], { env });
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toContain('applied 0001_staff');
      const created = await runCli(
        ['admin', 'create', '--username', 'boss', '--password-env', 'ADMIN_PW'],
        { env },
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/created staff user boss \(id \d+\) with roles admin/);
      const again = await runCli(['admin', 'create', '--username', 'boss'], {
        env,
        input: `${PASSWORD}\n`,
      });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('the username "boss" is taken');
    }, 60_000);

    it('serves, and on SIGTERM finishes the request in flight and exits 0', async () => {
      const config = path.join(dir, 'fleet.json');
      writeFileSync(config, JSON.stringify({ logLevel: 'info', http: { port: 0 } }));
      const server = await startServeProcess(['--config', config], { env });
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      // A login whose body arrives in two halves, with SIGTERM in between: the request is
      // in flight (headers read, body pending) when shutdown starts.
      const body = JSON.stringify({ username: 'boss', password: PASSWORD });
      const { port } = new URL(server.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let response = '';
      socket.on('data', (d: Buffer) => (response += d.toString()));
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
      );
      await server.waitForLog(/"url":"\/api\/v1\/auth\/login".*"msg":"incoming request"/);
      server.child.kill('SIGTERM');
      await server.waitForLog(/shutting down/);
      socket.write(body.slice(10));
      await ended;

      expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(response.toLowerCase()).toContain('connection: close');
      expect(response).toContain('"token"');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toContain('shut down cleanly');
    }, 60_000);
  });
}
