import { createInterface } from 'node:readline';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import type { CoreChild, CoreLauncher } from './core-launcher.js';

const READY_PREFIX = 'JUKEBOX_CORE_READY ';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const STDERR_TAIL_CHARS = 4096;

/**
 * Parses the core's readiness line `JUKEBOX_CORE_READY http://127.0.0.1:<port>`. Returns the
 * base URL (no trailing slash), or null for any other line. Only loopback http URLs count: main
 * proxies cover images to this address, so it must never point off the box.
 */
export function parseReadyLine(line: string): string | null {
  if (!line.startsWith(READY_PREFIX)) return null;
  let url: URL;
  try {
    url = new URL(line.slice(READY_PREFIX.length).trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.port === '') {
    return null;
  }
  return `${url.protocol}//${url.host}`;
}

/** Why the core went down, for the log and for the UI's "service" notice. */
export interface CoreDown {
  code: number | null;
  /** The last few KB of stderr: the core writes its failure reason there. */
  stderrTail: string;
  /** True when it never printed the READY line. */
  beforeReady: boolean;
}

export interface CoreSupervisorOptions {
  cliPath: string;
  /** Arguments after the script; `--config <file> --port 0` in production. */
  args: readonly string[];
  launch: CoreLauncher;
  backoff?: BackoffOptions;
  /** A core that has not printed READY by then is killed and restarted. */
  readyTimeoutMs?: number;
  /** Once the core has stayed up this long, the next crash restarts at the initial delay. */
  stableAfterMs?: number;
  onReady?: (url: string) => void;
  onDown?: (down: CoreDown) => void;
  onRestartScheduled?: (delayMs: number, attempt: number) => void;
  log?: (line: string) => void;
}

/**
 * Keeps one core process running: starts it, reads its READY line, restarts it with backoff
 * when it dies, and kills it on stop. Port 0 means every restart listens on a new port, so
 * consumers must take the URL from every `onReady`, not only the first.
 */
export class CoreSupervisor {
  private child: CoreChild | null = null;
  private readyUrl: string | null = null;
  private attempt = 0;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | null = null;
  private readyTimer: NodeJS.Timeout | null = null;
  private stableTimer: NodeJS.Timeout | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: CoreSupervisorOptions) {}

  /** Base URL of the running core, or null while it is starting or down. */
  get url(): string | null {
    return this.readyUrl;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.spawn();
  }

  /** Kills the core and stops restarting it; resolves when the process has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.child?.kill();
    await this.exited;
  }

  private spawn(): void {
    const { cliPath, args, launch, readyTimeoutMs = 30_000 } = this.options;
    const log = this.options.log ?? (() => {});
    let child: CoreChild;
    try {
      child = launch(cliPath, args);
    } catch (err) {
      log(`core: launch failed: ${String(err)}`);
      this.handleExit({ code: null, stderrTail: String(err), beforeReady: true });
      return;
    }
    this.child = child;
    let stderrTail = '';
    let ready = false;
    child.stderr?.on('data', (chunk: Buffer | string) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const url = ready ? null : parseReadyLine(line);
        if (url === null) {
          log(`core: ${line}`);
          return;
        }
        ready = true;
        this.readyUrl = url;
        this.clearTimer('readyTimer');
        this.stableTimer = setTimeout(() => {
          this.attempt = 0;
        }, this.options.stableAfterMs ?? 60_000);
        this.options.onReady?.(url);
      });
    }
    this.readyTimer = setTimeout(() => {
      log(`core: no READY line after ${readyTimeoutMs} ms, killing it`);
      child.kill();
    }, readyTimeoutMs);
    this.exited = new Promise((resolve) => {
      child.onExit((code) => {
        this.child = null;
        this.readyUrl = null;
        this.handleExit({ code, stderrTail, beforeReady: !ready });
        resolve();
      });
    });
  }

  private handleExit(down: CoreDown): void {
    this.clearTimers();
    this.options.onDown?.(down);
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.options.backoff ?? defaultBackoff);
    this.options.onRestartScheduled?.(delay, this.attempt);
    this.attempt += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopped) this.spawn();
    }, delay);
  }

  private clearTimer(name: 'restartTimer' | 'readyTimer' | 'stableTimer'): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
  }

  private clearTimers(): void {
    this.clearTimer('restartTimer');
    this.clearTimer('readyTimer');
    this.clearTimer('stableTimer');
  }
}
