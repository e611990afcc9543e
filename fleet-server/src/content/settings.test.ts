import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { contentSettings } from './settings.js';

const config = loadConfig({ env: {}, cwd: '/srv/fleet', inline: {} });

describe('contentSettings', () => {
  it('has defaults for a one-command server', () => {
    const s = contentSettings(config, {});
    expect(s).toMatchObject({
      masterSecret: undefined,
      masterKeyFile: '/srv/fleet/fleet-data/content-master.key',
      manifestLifetimeMs: 30 * 86_400_000,
      renewAheadMs: 7 * 86_400_000,
      jobIntervalMs: 60_000,
      maxUploadBytes: 1024 * 1024 * 1024,
      maxConcurrentIngests: 2,
      workDir: '/srv/fleet/fleet-data/ingest',
    });
  });

  it('reads the environment', () => {
    const s = contentSettings(config, {
      FLEET_CONTENT_KEY_SECRET: 's'.repeat(40),
      FLEET_CONTENT_KEY_FILE: '/keys/master',
      FLEET_MANIFEST_LIFETIME_DAYS: '10',
      FLEET_MANIFEST_RENEW_DAYS: '2',
      FLEET_MAX_UPLOAD_MB: '5',
    });
    expect(s).toMatchObject({
      masterSecret: 's'.repeat(40),
      masterKeyFile: '/keys/master',
      manifestLifetimeMs: 10 * 86_400_000,
      renewAheadMs: 2 * 86_400_000,
      maxUploadBytes: 5 * 1024 * 1024,
    });
  });

  it('refuses bad values with a message naming the variable', () => {
    for (const [env, message] of [
      [{ FLEET_CONTENT_KEY_SECRET: 'short' }, /FLEET_CONTENT_KEY_SECRET must have at least 32/],
      [
        { FLEET_MANIFEST_LIFETIME_DAYS: 'thirty' },
        /FLEET_MANIFEST_LIFETIME_DAYS must be a whole number/,
      ],
      [{ FLEET_MANIFEST_LIFETIME_DAYS: '0' }, /FLEET_MANIFEST_LIFETIME_DAYS/],
      [{ FLEET_MAX_UPLOAD_MB: '1.5' }, /FLEET_MAX_UPLOAD_MB/],
      [{ FLEET_MANIFEST_LIFETIME_DAYS: '5', FLEET_MANIFEST_RENEW_DAYS: '5' }, /must be less than/],
    ] as const) {
      expect(() => contentSettings(config, env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => contentSettings(config, env)).toThrow(message);
    }
  });
});
