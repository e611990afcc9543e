import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';

/**
 * One serial line for a money device: opens a path, writes bytes, hands received chunks over
 * with the monotonic time they were read, and survives hot-unplug.
 *
 * A USB-serial adapter pulled out shows up as a `close` event whose error has
 * `disconnected === true` (and no `error` event); a port that is missing or locked fails to
 * open. Both are reported and followed by a reopen with capped exponential backoff, until the
 * owner calls `close()`. Protocol drivers (ccTalk, eSSP) sit on top and never see serialport.
 */

/** Reopen delays: `initialMs`, doubled after each failure, never above `maxMs`. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface SerialLineOptions {
  /** Device path, e.g. /dev/ttyUSB0 or a /dev/serial/by-id link. */
  readonly path: string;
  /** 9600 for ccTalk and eSSP. A pty ignores it. */
  readonly baudRate: number;
  /** Defaults to 100 ms doubling up to 2 s. */
  readonly backoff?: BackoffOptions;
}

/** What a line reports. Listeners get exactly these payloads. */
export interface SerialLineEvents {
  /** The port is open (first time, or again after an unplug or failed open). */
  open: { readonly path: string };
  /** Bytes read, with `performance.now()` at the time they came in. */
  data: { readonly bytes: Uint8Array; readonly atMs: number };
  /** The port went away while open (hot-unplug); a reopen follows. */
  disconnected: { readonly error: string };
  /** An open attempt failed (missing path, "Cannot lock port"); retried after `retryInMs`. */
  'open-failed': { readonly error: string; readonly attempt: number; readonly retryInMs: number };
  /** The owner closed the line; nothing follows. */
  closed: Record<string, never>;
}

export type SerialLineEventName = keyof SerialLineEvents;

/** A write outcome: never a throw, the port may vanish at any moment. */
export type WriteResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

type Listeners = { [K in SerialLineEventName]: Set<(event: SerialLineEvents[K]) => void> };

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 2000 };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Detaches our listeners from a port we are done with but keeps an 'error' sink on it: a
 * write already queued can still fail (EIO after an unplug or a close), and an unhandled
 * 'error' event would take the whole process down.
 */
function retire(port: SerialPort): void {
  port.removeAllListeners();
  port.on('error', () => undefined);
}

/** A serial line that reopens itself after hot-unplug or a failed open. */
export class SerialLine {
  readonly path: string;
  readonly #baudRate: number;
  readonly #backoff: BackoffOptions;
  readonly #listeners: Listeners = {
    open: new Set(),
    data: new Set(),
    disconnected: new Set(),
    'open-failed': new Set(),
    closed: new Set(),
  };
  #port: SerialPort | null = null;
  #started = false;
  #closed = false;
  #attempt = 0;
  #retry: NodeJS.Timeout | null = null;

  constructor(options: SerialLineOptions) {
    this.path = options.path;
    this.#baudRate = options.baudRate;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** True while the port is open and writable. */
  get isOpen(): boolean {
    return this.#port?.isOpen === true;
  }

  /** Subscribes to one event; returns the unsubscribe function. */
  on<K extends SerialLineEventName>(
    name: K,
    listener: (event: SerialLineEvents[K]) => void,
  ): () => void {
    const set = this.#listeners[name] as Set<(event: SerialLineEvents[K]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Starts opening the line and resolves on the first successful open. Failures do not
   * reject: they are reported as `open-failed` and retried until `close()`, which resolves
   * a pending `start()` as well (check `isOpen`).
   */
  start(): Promise<void> {
    if (this.#started) throw new Error('SerialLine.start() called twice');
    this.#started = true;
    return new Promise((resolve) => {
      const offOpen = this.on('open', () => {
        offOpen();
        offClosed();
        resolve();
      });
      const offClosed = this.on('closed', () => {
        offOpen();
        offClosed();
        resolve();
      });
      this.#open();
    });
  }

  /** Writes bytes and waits until the OS took them (drain), so callers can time replies. */
  write(bytes: Uint8Array): Promise<WriteResult> {
    const port = this.#port;
    if (port === null || !port.isOpen) {
      return Promise.resolve({ ok: false, error: 'port is not open' });
    }
    return new Promise((resolve) => {
      port.write(Buffer.from(bytes), (err) => {
        if (err) {
          resolve({ ok: false, error: message(err) });
          return;
        }
        port.drain((drainErr) =>
          resolve(drainErr ? { ok: false, error: message(drainErr) } : { ok: true }),
        );
      });
    });
  }

  /** Closes the port for good and stops reopening. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const port = this.#port;
    this.#port = null;
    if (port !== null) {
      // Silence the port before closing it: a write still in flight can fail with EIO after
      // close, and an 'error' with no listener would crash the process.
      retire(port);
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    }
    this.#emit('closed', {});
  }

  #emit<K extends SerialLineEventName>(name: K, event: SerialLineEvents[K]): void {
    const set = this.#listeners[name] as Set<(event: SerialLineEvents[K]) => void>;
    for (const listener of [...set]) listener(event);
  }

  #open(): void {
    if (this.#closed) return;
    const port = new SerialPort({ path: this.path, baudRate: this.#baudRate, autoOpen: false });
    this.#port = port;
    port.on('data', (chunk: Buffer) => {
      if (this.#port !== port) return;
      this.#emit('data', { bytes: new Uint8Array(chunk), atMs: performance.now() });
    });
    // A read error after an unplug also closes the port; 'error' alone must not crash us.
    port.on('error', () => undefined);
    port.on('close', (err: unknown) => {
      if (this.#port !== port || this.#closed) return;
      retire(port);
      this.#port = null;
      this.#emit('disconnected', { error: err === undefined ? 'port closed' : message(err) });
      this.#scheduleReopen();
    });
    port.open((err) => {
      if (this.#port !== port) {
        // close() ran while opening: release what we just opened.
        if (!err) port.close(() => undefined);
        return;
      }
      if (err) {
        retire(port);
        this.#port = null;
        const retryInMs = this.#nextDelay();
        this.#emit('open-failed', { error: message(err), attempt: this.#attempt, retryInMs });
        this.#schedule(retryInMs);
        return;
      }
      this.#attempt = 0;
      this.#emit('open', { path: this.path });
    });
  }

  #nextDelay(): number {
    this.#attempt += 1;
    const { initialMs, maxMs } = this.#backoff;
    return Math.min(maxMs, initialMs * 2 ** Math.min(this.#attempt - 1, 20));
  }

  #scheduleReopen(): void {
    // The first reopen after an unplug waits too: the adapter's node is often still there.
    this.#schedule(this.#nextDelay());
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#open();
    }, delayMs);
  }
}
