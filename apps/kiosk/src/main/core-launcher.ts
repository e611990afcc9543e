import { spawn } from 'node:child_process';

/** The little the supervisor needs from a running core process. */
export interface CoreChild {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** Called once when the process has gone, with its exit code (null when killed by a signal). */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

/** Starts `node <cliPath> ...args`. Two implementations: Electron's utilityProcess and a plain
 * child process (tests, and hosts where the core runs under a separate Node). */
export type CoreLauncher = (cliPath: string, args: readonly string[]) => CoreChild;

/**
 * Launches the core as a child process of `execPath`. Under Electron, `execPath` is the
 * Electron binary, which only behaves as Node with ELECTRON_RUN_AS_NODE set; that fuse is
 * turned off in packaged builds, where the utilityProcess launcher is used instead.
 */
export function childProcessLauncher(execPath: string = process.execPath): CoreLauncher {
  return (cliPath, args) => {
    const child = spawn(execPath, [cliPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      onExit: (listener) => {
        let done = false;
        const finish = (code: number | null): void => {
          if (done) return;
          done = true;
          listener(code);
        };
        // 'close' rather than 'exit': stdio is drained by then, so the stderr tail is complete.
        // 'error' covers a spawn failure, after which 'close' may never come.
        child.once('close', (code) => finish(code));
        child.once('error', () => finish(null));
      },
      kill: () => {
        child.kill('SIGTERM');
      },
    };
  };
}
