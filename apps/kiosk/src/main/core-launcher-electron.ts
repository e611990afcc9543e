import { utilityProcess } from 'electron';
import type { CoreLauncher } from './core-launcher.js';

/**
 * Launches the core in an Electron utility process: Electron's own Node runtime, so native
 * modules rebuilt by electron-builder for Electron's ABI (better-sqlite3) load, and the app
 * needs no ELECTRON_RUN_AS_NODE fuse.
 */
export function utilityProcessLauncher(options: { cwd?: string } = {}): CoreLauncher {
  return (cliPath, args) => {
    const child = utilityProcess.fork(cliPath, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      serviceName: 'jukebox-core',
      // Relative paths in the config (dataDir) resolve here rather than wherever the shell
      // happened to be started from.
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      onExit: (listener) => {
        child.once('exit', (code) => listener(code));
      },
      kill: () => {
        child.kill();
      },
    };
  };
}
