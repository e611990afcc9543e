import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the shell's parts live, relative to the app root (apps/kiosk, or app.asar). */
export interface ShellPaths {
  rendererDir: string;
  preloadPath: string;
  coreCli: string;
}

/**
 * Resolves the shell's files from `app.getAppPath()`. The core is found through the
 * `@jukebox/kiosk-core` dependency, so the same code works in the workspace (symlinked
 * package) and in a packaged app (copied into app.asar/node_modules).
 */
export function shellPaths(appPath: string): ShellPaths {
  const require = createRequire(join(appPath, 'package.json'));
  // The entry is dist/index.js, or src/index.ts under the `@jukebox/source` condition (tests):
  // either way one folder below the package root. The cli is always the built one, because
  // the core runs under plain Node (Electron's), which cannot load TypeScript.
  const packageRoot = dirname(dirname(require.resolve('@jukebox/kiosk-core')));
  return {
    rendererDir: join(appPath, 'dist', 'renderer'),
    preloadPath: join(appPath, 'dist', 'preload', 'preload.cjs'),
    coreCli: join(packageRoot, 'dist', 'cli.js'),
  };
}
