import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configPathFrom, coreArgs, loadShellSettings } from './shell-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shell-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shell config', () => {
  it('finds the config path in argv or the environment', () => {
    expect(configPathFrom(['electron', '.', '--no-sandbox', '--config', '/a.json'], {})).toBe(
      '/a.json',
    );
    expect(configPathFrom(['x', '--config=/b.json'], { JUKEBOX_CONFIG: '/c.json' })).toBe(
      '/b.json',
    );
    expect(configPathFrom(['x'], { JUKEBOX_CONFIG: '/c.json' })).toBe('/c.json');
    expect(configPathFrom(['x'], {})).toBeNull();
  });

  it('defaults to a locked-down kiosk and reads the shell section beside the core keys', async () => {
    expect(await loadShellSettings([], {})).toEqual({
      ok: true,
      value: { configPath: null, shell: { kiosk: true, hideCursor: true, devTools: false } },
    });
    const file = join(dir, 'box.json');
    await writeFile(file, JSON.stringify({ mode: 'retail', shell: { hideCursor: false } }));
    expect(await loadShellSettings(['--config', file], {})).toEqual({
      ok: true,
      value: { configPath: file, shell: { kiosk: true, hideCursor: false, devTools: false } },
    });
  });

  it('names the bad field or the unreadable file', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ shell: { kiosk: 'yes' } }));
    const bad = await loadShellSettings([`--config=${file}`], {});
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain('shell.kiosk');
    const missing = await loadShellSettings([], { JUKEBOX_CONFIG: join(dir, 'none.json') });
    expect(!missing.ok && missing.error).toContain('cannot read');
  });

  it('starts the core on any free port with the config or a data folder', () => {
    expect(coreArgs('/etc/jukebox.json', '/d')).toEqual([
      '--port',
      '0',
      '--config',
      '/etc/jukebox.json',
    ]);
    expect(coreArgs(null, '/home/u/.config/k/data')).toEqual([
      '--port',
      '0',
      '--data-dir',
      '/home/u/.config/k/data',
    ]);
  });
});
