import { mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialLine, type SerialLineEventName, type SerialLineEvents } from './serial-line.js';
import { openPtyPair, type PtyPair } from './test-support/pty.js';

const fast = { initialMs: 20, maxMs: 200 };

function next<K extends SerialLineEventName>(
  line: SerialLine,
  name: K,
  timeoutMs = 5000,
): Promise<SerialLineEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event`)), timeoutMs);
    const off = line.on(name, (event) => {
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

async function collect(line: SerialLine, count: number): Promise<number[]> {
  const got: number[] = [];
  return new Promise((resolve) => {
    const off = line.on('data', ({ bytes }) => {
      got.push(...bytes);
      if (got.length >= count) {
        off();
        resolve(got);
      }
    });
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pair(): Promise<PtyPair> {
  const p = await openPtyPair();
  cleanups.push(() => p.close());
  return p;
}

function track(line: SerialLine): SerialLine {
  cleanups.push(() => line.close());
  return line;
}

describe('SerialLine', () => {
  it('carries bytes both ways with a monotonic timestamp', async () => {
    const p = await pair();
    const host = track(new SerialLine({ path: p.host, baudRate: 9600, backoff: fast }));
    const device = track(new SerialLine({ path: p.device, baudRate: 9600, backoff: fast }));
    await Promise.all([host.start(), device.start()]);
    expect(host.isOpen && device.isOpen).toBe(true);

    const atHost = next(host, 'data');
    const received = collect(device, 5);
    expect(await host.write(Uint8Array.of(0x02, 0x00, 0x01, 0xfe, 0xff))).toEqual({ ok: true });
    expect(await received).toEqual([0x02, 0x00, 0x01, 0xfe, 0xff]);
    await device.write(Uint8Array.of(0x01, 0x00, 0x02, 0x00, 0xfd));
    const chunk = await atHost;
    expect(chunk.bytes[0]).toBe(0x01);
    expect(chunk.atMs).toBeGreaterThan(0);
  });

  it('reports a hot-unplug and reopens a new line at the same path', async () => {
    // A stable link, as udev's /dev/serial/by-id gives for a real adapter.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'serial-line-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stable = path.join(dir, 'ttyCoin');
    const first = await openPtyPair();
    await symlink(first.host, stable);
    const line = track(new SerialLine({ path: stable, baudRate: 9600, backoff: fast }));
    await line.start();

    const gone = next(line, 'disconnected');
    await first.close();
    expect((await gone).error).toMatch(/./);
    expect(line.isOpen).toBe(false);

    const failures: string[] = [];
    line.on('open-failed', ({ error }) => failures.push(error));
    await new Promise((r) => setTimeout(r, 100));

    const second = await pair();
    await unlink(stable);
    await symlink(second.host, stable);
    await next(line, 'open');
    expect(line.isOpen).toBe(true);
    // The dead link was retried and failed while the adapter was out.
    expect(failures.length).toBeGreaterThan(0);

    const device = track(new SerialLine({ path: second.device, baudRate: 9600 }));
    await device.start();
    const received = collect(device, 3);
    await line.write(Uint8Array.of(1, 2, 3));
    expect(await received).toEqual([1, 2, 3]);
  });

  it('retries a path that does not exist yet and stops retrying when closed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'serial-line-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const line = new SerialLine({ path: path.join(dir, 'nothing'), baudRate: 9600, backoff: fast });
    const delays: number[] = [];
    line.on('open-failed', ({ retryInMs }) => delays.push(retryInMs));
    const started = line.start();
    await next(line, 'open-failed');
    await next(line, 'open-failed');
    await line.close();
    await started;
    expect(line.isOpen).toBe(false);
    expect(delays[1]).toBeGreaterThan(delays[0] ?? Infinity);
    const count = delays.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(delays.length).toBe(count);
    expect(await line.write(Uint8Array.of(1))).toEqual({ ok: false, error: 'port is not open' });
  });

  it('survives a close while writes are stuck and the far end vanishes', async () => {
    // Nobody reads the device end, so the pty buffers fill and writes stay queued; then the
    // line drops and the owner closes at once. A queued write failing with EIO after that
    // must come back as a result, never as an unhandled 'error' that kills the process.
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    cleanups.push(async () => void process.off('uncaughtException', onUncaught));
    for (let round = 0; round < 5; round += 1) {
      const p = await openPtyPair();
      const line = new SerialLine({ path: p.host, baudRate: 9600, backoff: fast });
      await line.start();
      const writes = Array.from({ length: 8 }, () => line.write(new Uint8Array(64 * 1024)));
      await new Promise((r) => setTimeout(r, 20));
      await Promise.all([p.close(), line.close()]);
      const results = await Promise.all(writes);
      expect(results.every((r) => typeof r.ok === 'boolean')).toBe(true);
      expect(results.some((r) => !r.ok)).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(uncaught).toEqual([]);
  });
});
