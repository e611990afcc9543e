import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { installShutdownHandlers } from './shutdown.js';

// The signal wiring, with a harmless signal and an injected exit. The real SIGTERM path, with
// a request in flight, is exercised on a spawned server in cli.test.ts.
const SIGNAL = 'SIGUSR2';

describe('installShutdownHandlers', () => {
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());

  function install(close: () => Promise<void>, timeoutMs = 60_000) {
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    remove = installShutdownHandlers(close, {
      timeoutMs,
      log: pino({ level: 'silent' }),
      exit,
      signals: [SIGNAL],
    });
    return exited;
  }

  it('closes and exits 0', async () => {
    let closed = false;
    const exited = install(async () => {
      closed = true;
    });
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(0);
    expect(closed).toBe(true);
  });

  it('exits 1 when closing fails', async () => {
    const exited = install(async () => {
      throw new Error('database would not close');
    });
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(1);
  });

  it('exits 1 when closing hangs past the timeout', async () => {
    const exited = install(() => new Promise<void>(() => undefined), 20);
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(1);
  });

  it('exits 1 at once on a second signal', async () => {
    let calls = 0;
    const exited = install(() => {
      calls++;
      return new Promise<void>(() => undefined);
    });
    process.emit(SIGNAL, SIGNAL);
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(1);
    expect(calls).toBe(1);
  });
});
