import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellPaths } from './paths.js';

describe('shell paths', () => {
  it('finds the core cli through the kiosk-core dependency', () => {
    const appPath = resolve(import.meta.dirname, '../..');
    const paths = shellPaths(appPath);
    expect(paths.rendererDir).toBe(join(appPath, 'dist', 'renderer'));
    expect(paths.preloadPath).toBe(join(appPath, 'dist', 'preload', 'preload.cjs'));
    expect(paths.coreCli).toMatch(/kiosk-core[\\/]dist[\\/]cli\.js$/);
    expect(existsSync(join(paths.coreCli, '..', '..', 'package.json'))).toBe(true);
  });
});
