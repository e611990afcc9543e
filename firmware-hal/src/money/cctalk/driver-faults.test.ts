import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair } from '../test-support/pty.js';
import type { FaultEvent, StatusEvent } from '../types.js';
import { CcTalkCoinSimulator } from './simulator.js';
import { COINS, creditedCents, openRig, settle, until, type Rig } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function rig(options: Parameters<typeof openRig>[0] = {}): Promise<Rig> {
  const r = await openRig(options);
  cleanups.push(() => r.close());
  return r;
}
const faults = (r: Rig) => r.events.filter((e): e is FaultEvent => e.type === 'fault');
const statuses = (r: Rig) => r.events.filter((e): e is StatusEvent => e.type === 'status');

describe('CcTalkCoinAcceptor under line faults', () => {
  it('retries dropped, garbled and BUSY replies and credits each coin once', async () => {
    const r = await rig();
    r.sim.insert(1);
    r.sim.dropReplies(2);
    await until(() => r.credits().length === 1);
    r.sim.insert(2);
    r.sim.garbleReplies(2);
    await until(() => r.credits().length === 2);
    r.sim.insert(3);
    r.sim.busyReplies(2);
    await until(() => r.credits().length === 3);
    await settle(r);
    expect(r.credits().map((c) => c.valueCents)).toEqual([10, 20, 50]);
    expect(r.driver.linkStats.retries).toBeGreaterThanOrEqual(6);
    expect(r.driver.linkStats.framingErrors).toBeGreaterThanOrEqual(1);
  });

  it('never doubles a coin when replies come late', async () => {
    const r = await rig({ driver: { replyTimeoutMs: 60 } });
    r.sim.insert(4);
    r.sim.slowReplies(3, 150);
    r.sim.insert(5);
    await until(() => r.credits().length === 2);
    await settle(r, 8);
    expect(creditedCents(r)).toBe(r.sim.acceptedCents);
    expect(r.credits()).toHaveLength(2);
  });

  it('discards the echo on a single-wire bus, with or without echo discard set', async () => {
    for (const echo of [true, false]) {
      const r = await rig({ sim: { checksum: 'crc16' }, driver: { echo, checksum: 'crc16' } });
      r.sim.setEcho(true);
      r.sim.insert(5);
      await until(() => r.credits().length === 1);
      await settle(r);
      expect(r.credits()).toHaveLength(1);
    }
  });

  it('takes no credit and does not crash on line noise', async () => {
    const r = await rig();
    for (let i = 0; i < 20; i += 1) {
      await r.sim.noise(randomBytes(64));
      await new Promise((res) => setTimeout(res, 10));
    }
    // Frames that look right but are not replies: a truncated 229 and a bad checksum.
    await r.sim.noise(Uint8Array.of(1, 11, 2, 0, 5, 1, 1));
    await r.sim.noise(Uint8Array.of(1, 0, 2, 0, 0xfe));
    await settle(r);
    expect(r.credits()).toHaveLength(0);
    r.sim.insert(2);
    await until(() => r.credits().length === 1);
    expect(creditedCents(r)).toBe(20);
  });

  it('reports a unit that stops answering, keeps polling, and recovers its coins', async () => {
    const r = await rig({ driver: { replyTimeoutMs: 50, retries: 1, notRespondingAfter: 2 } });
    r.sim.setSilent(true);
    await until(() => faults(r).some((f) => f.reason === 'timeout'));
    expect(faults(r).find((f) => f.reason === 'timeout')?.detail).toBe('not responding');
    expect(statuses(r).at(-1)?.state).toBe('offline');
    r.sim.insert(3);
    r.sim.setSilent(false);
    await until(() => statuses(r).at(-1)?.state === 'ready');
    await until(() => r.credits().length === 1);
    expect(creditedCents(r)).toBe(50);
  });

  it('reopens after a hot-unplug and credits coins taken meanwhile exactly once', async () => {
    // Stable links stand in for /dev/serial/by-id: the same paths come back after a replug.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cctalk-unplug-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const host = path.join(dir, 'host');
    const device = path.join(dir, 'device');
    const first = await openPtyPair();
    await symlink(first.host, host);
    await symlink(first.device, device);
    const r = await rig({ paths: { host, device } });
    r.sim.insert(1);
    await until(() => r.credits().length === 1);

    await first.close();
    await until(() => faults(r).some((f) => f.reason === 'disconnected'));
    expect(statuses(r).at(-1)?.state).toBe('offline');
    expect(r.sim.insert(4)).toBe('accepted');
    const second = await openPtyPair();
    cleanups.push(() => second.close());
    await unlink(host);
    await unlink(device);
    await symlink(second.host, host);
    await symlink(second.device, device);
    // The simulator's own line reopens too; its counter and buffer survived the unplug.
    await until(() => r.sim.state.requests > 0 && statuses(r).at(-1)?.state === 'ready');
    r.sim.insert(5);
    await until(() => r.credits().length === 3);
    await settle(r);
    expect(creditedCents(r)).toBe(310);
    expect(creditedCents(r)).toBe(r.sim.acceptedCents);
  });

  it('refuses to open when nothing answers', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const sim = await CcTalkCoinSimulator.start({ path: pair.device, coins: COINS });
    cleanups.push(() => sim.close());
    sim.setSilent(true);
    const { CcTalkCoinAcceptor } = await import('./driver.js');
    const driver = new CcTalkCoinAcceptor({
      path: pair.host,
      coinValues: {},
      replyTimeoutMs: 30,
      retries: 0,
    });
    await expect(driver.open({ device: null, checkpoint: null })).rejects.toThrow(/header 246/);
  });
});
