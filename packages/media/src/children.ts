import type { ChildProcess } from 'node:child_process';

/** Grace period between SIGTERM (ffmpeg finishes its output) and SIGKILL. */
export const KILL_GRACE_MS = 2_000;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Records a child so it dies with us. Node does not kill children when it exits, and an
 * orphaned ffmpeg writing to a sound device keeps playing; on 'exit' only synchronous work is
 * possible, so every tracked child gets SIGKILL there.
 */
export function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('close', () => live.delete(child));
  child.once('error', () => {
    if (child.pid === undefined) live.delete(child);
  });
}

/** Children started by this module that have not been reaped yet (for tests and status). */
export function liveChildCount(): number {
  return live.size;
}
