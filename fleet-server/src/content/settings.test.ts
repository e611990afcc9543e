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

  it("follows the configuration's content section, and takes the secret from the environment", () => {
    const env = {
      FLEET_CONTENT_KEY_SECRET: 's'.repeat(40),
      FLEET_CONTENT_KEY_FILE: '/keys/master',
      FLEET_MANIFEST_LIFETIME_DAYS: '10',
      FLEET_MANIFEST_RENEW_DAYS: '2',
    };
    const configured = loadConfig({
      env,
      cwd: '/srv/fleet',
      inline: { content: { maxUploadMB: 5 } },
    });
    expect(contentSettings(configured, env)).toMatchObject({
      masterSecret: 's'.repeat(40),
      masterKeyFile: '/keys/master',
      manifestLifetimeMs: 10 * 86_400_000,
      renewAheadMs: 2 * 86_400_000,
      maxUploadBytes: 5 * 1024 * 1024,
    });
  });

  it('refuses a short secret with a message naming the variable', () => {
    for (const secret of ['short', 'x'.repeat(31)]) {
      const env = { FLEET_CONTENT_KEY_SECRET: secret };
      expect(() => contentSettings(config, env)).toThrow(ConfigError);
      expect(() => contentSettings(config, env)).toThrow(
        /FLEET_CONTENT_KEY_SECRET must have at least 32/,
      );
    }
  });
});
