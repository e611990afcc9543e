import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-config-'));
function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('needs nothing: SQLite in ./fleet-data, 127.0.0.1:8490', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/fleet' });
    expect(c.database).toBe('sqlite:/srv/fleet/fleet-data/fleet.sqlite');
    expect(c.dataDir).toBe('/srv/fleet/fleet-data');
    expect(c.blobDir).toBe('/srv/fleet/fleet-data/blobs');
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8490 });
    expect(c.logLevel).toBe('info');
    expect(c.sessions).toEqual({ lifetimeSeconds: 43_200, idleTimeoutSeconds: 3600 });
  });

  it('reads a file and resolves its relative paths against the file', () => {
    const f = file('paths.json', {
      dataDir: 'data',
      database: 'db/fleet.sqlite',
      http: { port: 9000 },
      sessions: { lifetimeSeconds: 600, idleTimeoutSeconds: 120 },
    });
    const c = loadConfig({ file: f, env: {}, cwd: '/elsewhere' });
    expect(c.dataDir).toBe(path.join(dir, 'data'));
    expect(c.blobDir).toBe(path.join(dir, 'data', 'blobs'));
    expect(c.database).toBe(`sqlite:${path.join(dir, 'db', 'fleet.sqlite')}`);
    expect(c.http.port).toBe(9000);
    expect(c.sessions.idleTimeoutSeconds).toBe(120);
  });

  it('lets the environment override the file', () => {
    const f = file('env.json', { http: { port: 9000 }, logLevel: 'warn' });
    const c = loadConfig({
      file: f,
      cwd: '/run',
      env: {
        FLEET_PORT: '9100',
        FLEET_HOST: '0.0.0.0',
        FLEET_DATA_DIR: 'var',
        FLEET_LOG_LEVEL: 'debug',
        FLEET_SESSION_IDLE_TIMEOUT: '300',
        DATABASE_URL: 'postgres://fleet@db/fleet',
      },
    });
    expect(c.http).toMatchObject({ host: '0.0.0.0', port: 9100 });
    expect(c.dataDir).toBe('/run/var');
    expect(c.logLevel).toBe('debug');
    expect(c.sessions.idleTimeoutSeconds).toBe(300);
    expect(c.database).toBe('postgres://fleet@db/fleet');
  });

  it('takes the content settings from the file, and the environment over them', () => {
    const f = file('content.json', {
      content: { keyFile: 'keys/master.key', manifestLifetimeDays: 10, maxUploadMB: 64 },
    });
    const fromFile = loadConfig({ file: f, env: {}, cwd: '/elsewhere' });
    expect(fromFile.content).toEqual({
      keyFile: path.join(dir, 'keys', 'master.key'),
      manifestLifetimeDays: 10,
      manifestRenewDays: 7,
      manifestJobSeconds: 60,
      maxUploadMB: 64,
      maxConcurrentIngests: 2,
    });
    const fromEnv = loadConfig({
      file: f,
      cwd: '/run',
      env: {
        FLEET_CONTENT_KEY_FILE: 'secrets/k',
        FLEET_MANIFEST_LIFETIME_DAYS: '20',
        FLEET_MANIFEST_RENEW_DAYS: '3',
        FLEET_MANIFEST_JOB_SECONDS: '5',
        FLEET_MAX_INGESTS: '4',
      },
    });
    expect(fromEnv.content).toEqual({
      keyFile: '/run/secrets/k',
      manifestLifetimeDays: 20,
      manifestRenewDays: 3,
      manifestJobSeconds: 5,
      maxUploadMB: 64,
      maxConcurrentIngests: 4,
    });
    expect(loadConfig({ env: {}, cwd: '/srv/fleet' }).content.keyFile).toBe(
      '/srv/fleet/fleet-data/content-master.key',
    );
  });

  it('prefers FLEET_DATABASE over DATABASE_URL', () => {
    const c = loadConfig({
      cwd: '/run',
      env: { DATABASE_URL: 'postgres://other@db/x', FLEET_DATABASE: 'sqlite:/data/f.sqlite' },
    });
    expect(c.database).toBe('sqlite:/data/f.sqlite');
  });

  it.each([
    [{ FLEET_PORT: '99999' }, /http\.port \(from FLEET_PORT\): .*65535/],
    [{ FLEET_PORT: 'eighty' }, /http\.port \(from FLEET_PORT\): .*expected number/],
    [{ FLEET_LOG_LEVEL: 'loud' }, /logLevel \(from FLEET_LOG_LEVEL\)/],
    [{ FLEET_SESSION_LIFETIME: '10' }, /sessions\.lifetimeSeconds \(from FLEET_SESSION_LIFETIME\)/],
    [{ DATABASE_URL: 'mysql://db/x' }, /database \(from DATABASE_URL\): unsupported database URL/],
    [{ FLEET_DATABASE: 'postgres://db/x?schema=Bad' }, /database \(from FLEET_DATABASE\): schema/],
    [
      { FLEET_MANIFEST_LIFETIME_DAYS: 'thirty' },
      /content\.manifestLifetimeDays \(from FLEET_MANIFEST_LIFETIME_DAYS\): .*expected number/,
    ],
    [
      { FLEET_MANIFEST_LIFETIME_DAYS: '0' },
      /content\.manifestLifetimeDays \(from FLEET_MANIFEST_LIFETIME_DAYS\): .*>=1/,
    ],
    [{ FLEET_MAX_UPLOAD_MB: '1.5' }, /content\.maxUploadMB \(from FLEET_MAX_UPLOAD_MB\)/],
    [{ FLEET_MAX_INGESTS: '0' }, /content\.maxConcurrentIngests \(from FLEET_MAX_INGESTS\)/],
    [
      { FLEET_MANIFEST_LIFETIME_DAYS: '5', FLEET_MANIFEST_RENEW_DAYS: '5' },
      /content\.manifestRenewDays \(from FLEET_MANIFEST_RENEW_DAYS\): .*must be less than/,
    ],
  ])('stops on a bad environment value %j, naming the field and variable', (env, message) => {
    expect(errorOf(() => loadConfig({ env, cwd: '/run' })).message).toMatch(message);
  });

  it.each([
    [{ http: { port: -1 } }, /http\.port: /],
    [{ http: { prot: 1 } }, /http: Unrecognized key: "prot"/],
    [
      { sessions: { lifetimeSeconds: 3600, idleTimeoutSeconds: 7200 } },
      /sessions\.idleTimeoutSeconds: idleTimeoutSeconds cannot exceed/,
    ],
    [{ passwords: { scryptLogN: 4 } }, /passwords\.scryptLogN/],
    [{ dataDir: '' }, /dataDir/],
    [{ extra: true }, /Unrecognized key: "extra"/],
    [{ content: { maxUploadMB: 0 } }, /content\.maxUploadMB: /],
    [{ content: { keySecret: 'x'.repeat(40) } }, /content: Unrecognized key: "keySecret"/],
    [{ content: { manifestRenewDays: 30 } }, /content\.manifestRenewDays: .*must be less than/],
  ])('stops on a bad file value %j, naming the field', (content, message) => {
    const f = file('bad.json', content);
    const err = errorOf(() => loadConfig({ file: f, env: {} }));
    expect(err.message).toMatch(message);
    expect(err.message).toContain(f);
  });

  it('explains a missing file, bad JSON and a non-object', () => {
    expect(
      errorOf(() => loadConfig({ file: path.join(dir, 'nope.json'), env: {} })).message,
    ).toMatch(/configuration file not found: .*nope\.json/);
    expect(
      errorOf(() => loadConfig({ file: file('broken.json', '{"http":'), env: {} })).message,
    ).toMatch(/is not valid JSON/);
    expect(errorOf(() => loadConfig({ file: file('array.json', '[1]'), env: {} })).message).toMatch(
      /must hold a JSON object/,
    );
  });
});
