import type { Logger } from './logger.js';

export interface ShutdownOptions {
  /** Longest wait for `close()` before exiting anyway (status 1). */
  timeoutMs: number;
  log: Logger;
  /** Injected by tests; defaults to process.exit. */
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

/**
 * Turns SIGTERM/SIGINT into a graceful stop: `close()` stops accepting connections, lets
 * in-flight requests finish, closes WebSockets and the database; then the process exits 0.
 * If closing hangs past the timeout, or a second signal arrives (an impatient Ctrl-C), it
 * exits 1 at once. Returns a function that removes the handlers.
 */
export function installShutdownHandlers(
  close: () => Promise<void>,
  options: ShutdownOptions,
): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;

  const finish = (code: number) => {
    // Logs are written asynchronously; flush so the last lines are not lost at exit.
    options.log.flush(() => exit(code));
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log.warn({ signal }, 'second signal during shutdown: exiting now');
      finish(1);
      return;
    }
    stopping = true;
    options.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      options.log.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out: exiting anyway');
      finish(1);
    }, options.timeoutMs);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        options.log.info('shut down cleanly');
        finish(0);
      },
      (err: unknown) => {
        clearTimeout(timer);
        options.log.error({ err }, 'error during shutdown');
        finish(1);
      },
    );
  };

  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
