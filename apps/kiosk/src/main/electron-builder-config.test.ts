import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
// electron-builder's own loader and JSON-schema validator: the same checks it runs before a
// build, without downloading Electron.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const kioskDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(kioskDir, '../..');
// electron-builder runs with apps/kiosk as its project dir (see the comment in the file).
const load = () => getConfig(kioskDir, '../../electron-builder.yml', null);

describe('electron-builder.yml', () => {
  it('parses and passes electron-builder schema validation', async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('com.jukeboxfleet.kiosk');
    expect(config.productName).toBe('Jukebox Kiosk');
  });

  it('builds AppImage and deb for x64 and arm64, deb depending on ffmpeg', async () => {
    const config = await load();
    expect(config.linux?.category).toBe('AudioVideo');
    expect(config.linux?.target).toEqual([
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ]);
    expect(config.deb?.depends).toContain('ffmpeg');
    expect(config.electronFuses?.runAsNode).toBe(false);
  });

  it('ships what the build produces and unpacks the native module', async () => {
    const config = await load();
    // The loader normalises the list into one file set.
    expect(config.files).toEqual([
      {
        filter: expect.arrayContaining(['dist/main/**', 'dist/preload/**', 'dist/renderer/**']),
      },
    ]);
    expect(config.asarUnpack).toEqual(['**/node_modules/better-sqlite3/**']);
    const pkg = JSON.parse(await readFile(join(kioskDir, 'package.json'), 'utf8')) as {
      main: string;
      dependencies: Record<string, string>;
    };
    // The entry electron starts and the core it launches both come with the app.
    expect(pkg.main).toBe('dist/main/main.js');
    expect(pkg.dependencies).toHaveProperty('@jukebox/kiosk-core');
    const script = await readFile(join(kioskDir, 'scripts/build-electron.mjs'), 'utf8');
    expect(script).toContain("outfile: 'dist/main/main.js'");
    expect(script).toContain("outfile: 'dist/preload/preload.cjs'");
  });

  // Only meaningful after `npm run build`; a fresh checkout has no dist to check.
  it.skipIf(!existsSync(join(kioskDir, 'dist/main/main.js')))(
    'names only paths that exist after a build',
    () => {
      for (const path of [
        'dist/main/main.js',
        'dist/preload/preload.cjs',
        'dist/renderer/index.html',
      ]) {
        expect(existsSync(join(kioskDir, path)), path).toBe(true);
      }
      const core = join(repoRoot, 'packages/kiosk-core');
      expect(existsSync(join(core, 'dist/cli.js')), 'kiosk-core dist/cli.js').toBe(true);
      expect(existsSync(join(core, 'migrations')), 'kiosk-core migrations').toBe(true);
    },
  );
});
