import { mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../test-support/pty.js';
import type { CreditEvent, MoneyEvent } from '../types.js';
import { EsspNoteValidator, type EsspDriverOptions } from './driver.js';
import { EsspSimulator, type EsspSimulatorOptions } from './simulator.js';

/** Waits until `check` holds; the generous limit only bounds a broken test. */
async function until(check: () => boolean, what: string, limitMs = 8000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Rig {
  pair: PtyPair;
  sim: EsspSimulator;
  driver: EsspNoteValidator;
  events: MoneyEvent[];
  credits: () => CreditEvent[];
  /** Waits until this many more POLL-or-HOLD frames reached the simulator. */
  polls: (n: number) => Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function rig(
  driverOptions: Partial<EsspDriverOptions> = {},
  simOptions: EsspSimulatorOptions = {},
  checkpoint: string | null = null,
): Promise<Rig & { info: Awaited<ReturnType<EsspNoteValidator['open']>> }> {
  const pair = await openPtyPair();
  cleanups.push(() => pair.close());
  const sim = await EsspSimulator.open(pair.device, simOptions);
  cleanups.push(() => sim.close());
  const driver = new EsspNoteValidator({
    path: pair.host,
    pollIntervalMs: 40,
    replyTimeoutMs: 150,
    escrowRules: { currency: 'EUR' },
    backoff: { initialMs: 50, maxMs: 200 },
    ...driverOptions,
  });
  const events: MoneyEvent[] = [];
  driver.onEvent((e) => events.push(e));
  const info = await driver.open({
    device: checkpoint === null ? null : 'essp:ITL:12345678',
    checkpoint,
  });
  cleanups.push(() => driver.close());
  const credits = () => events.filter((e): e is CreditEvent => e.type === 'credit');
  const polls = async (n: number) => {
    const target = sim.model.stats.received + n;
    await until(() => sim.model.stats.received >= target, `${n} more frames`);
  };
  return { pair, sim, driver, events, credits, polls, info };
}

/** Inserts a note and waits until it has left the note path (stacked or returned). */
async function feed(r: Rig, channel: number): Promise<void> {
  await until(() => r.sim.model.insertNote(channel), 'the validator to take the note');
  await until(() => r.sim.model.notePhase === null, 'the note to leave the path');
  await r.polls(3);
}

describe('EsspNoteValidator over a pty against the simulator', () => {
  it('reads the channel table and identity, and stays disabled until the master inhibit is lifted', async () => {
    const r = await rig();
    expect(r.info.id).toBe('essp:ITL:12345678');
    expect(r.info.denominations.map((d) => [d.position, d.valueCents, d.currency])).toEqual([
      [1, 500, 'EUR'],
      [2, 1000, 'EUR'],
      [3, 2000, 'EUR'],
      [4, 5000, 'EUR'],
      [5, 10000, 'EUR'],
    ]);
    expect(r.sim.model.channelMask).toBe(0b11111);
    expect(r.sim.model.isEnabled).toBe(false);
    expect(r.sim.model.insertNote(1)).toBe(false);
    await r.driver.setMasterInhibit(false);
    expect(r.sim.model.isEnabled).toBe(true);
    await r.driver.setMasterInhibit(true);
    expect(r.sim.model.isEnabled).toBe(false);
  });

  it('sets inhibits: a note on an inhibited channel is refused, never credited', async () => {
    const r = await rig();
    await r.driver.setEnabledDenominations([1, 3]);
    expect(r.sim.model.channelMask).toBe(0b101);
    await r.driver.setMasterInhibit(false);
    await feed(r, 2);
    expect(r.events.filter((e) => e.type === 'reject')).toHaveLength(1);
    expect(r.credits()).toEqual([]);
    expect(r.sim.credited).toEqual([]);
  });

  it('holds a note while deciding, then accepts it and credits it exactly once', async () => {
    let release: () => void = () => undefined;
    const decided = new Promise<void>((resolve) => (release = resolve));
    const r = await rig({
      escrowContext: async () => {
        await decided;
        return { queueFull: false, balance: 0 };
      },
    });
    await r.driver.setMasterInhibit(false);
    expect(r.sim.model.insertNote(3)).toBe(true);
    await until(() => r.sim.model.notePhase === 'escrow:3', 'escrow');
    await r.polls(4); // HOLD keeps it there, however long the box takes to decide
    expect(r.sim.model.notePhase).toBe('escrow:3');
    release();
    await until(() => r.sim.model.notePhase === null, 'the note to be stacked');
    await r.polls(3);
    expect(r.credits()).toEqual([
      expect.objectContaining({
        device: 'essp:ITL:12345678',
        deviceEventId: 'note-1',
        position: 3,
        valueCents: 2000,
        currency: 'EUR',
        // Stored with the credit: the unit may still repeat it until EVENT ACK is confirmed.
        checkpoint: JSON.stringify({ v: 1, notes: 1, ack: 'pending' }),
      }),
    ]);
    expect(r.events.filter((e) => e.type === 'checkpoint')).toEqual([
      expect.objectContaining({ checkpoint: JSON.stringify({ v: 1, notes: 1 }) }),
    ]);
    expect(r.sim.model.unackedEvents).toBe(0);
    expect(r.sim.credited).toEqual([{ channel: 3, value: 20, currency: 'EUR' }]);
  });

  it('continues the note count from the checkpoint the ledger hands back', async () => {
    const r = await rig({}, {}, JSON.stringify({ v: 1, notes: 41 }));
    await r.driver.setMasterInhibit(false);
    await feed(r, 1);
    expect(r.credits().map((c) => c.deviceEventId)).toEqual(['note-42']);
  });

  it('returns a note the escrow policy refuses', async () => {
    const r = await rig({ escrowRules: { currency: 'EUR', maxValue: 2000 } });
    await r.driver.setMasterInhibit(false);
    await feed(r, 4);
    expect(r.events).toContainEqual(
      expect.objectContaining({ type: 'reject', detail: 'returned: above-max-value' }),
    );
    expect(r.credits()).toEqual([]);
    expect(r.sim.credited).toEqual([]);
    // The next note gets its own decision: a 5 is taken, a second 50 returned again.
    await feed(r, 1);
    await feed(r, 4);
    expect(r.credits().map((c) => c.valueCents)).toEqual([500]);
    expect(r.sim.credited).toEqual([{ channel: 1, value: 5, currency: 'EUR' }]);
    expect(r.events.filter((e) => e.type === 'reject')).toHaveLength(2);
  });

  it.each(['drop', 'garble', 'duplicate'] as const)(
    'a %s reply carrying CREDIT NOTE gives exactly one credit',
    async (fault) => {
      const r = await rig();
      let armed = true;
      r.sim.faults.tamper = (reply) => {
        // OK, then CREDIT NOTE (0xEE) with its channel somewhere in the events.
        if (!armed || reply[0] !== 0xf0 || !reply.includes(0xee)) return undefined;
        armed = false;
        return fault;
      };
      await r.driver.setMasterInhibit(false);
      await feed(r, 2);
      await feed(r, 1);
      expect(armed).toBe(false);
      if (fault !== 'duplicate') expect(r.sim.model.stats.repeated).toBeGreaterThanOrEqual(1);
      expect(r.credits().map((c) => [c.deviceEventId, c.valueCents])).toEqual([
        ['note-1', 1000],
        ['note-2', 500],
      ]);
      expect(r.sim.credited).toHaveLength(2);
    },
  );

  it('slow replies (later than the reply timeout) are retried and still credit once', async () => {
    const r = await rig();
    await r.driver.setMasterInhibit(false);
    r.sim.faults.delayMs = 200; // replyTimeoutMs is 150: every exchange needs its retry
    await feed(r, 3);
    r.sim.faults.delayMs = 0;
    await feed(r, 1);
    expect(r.sim.model.stats.repeated).toBeGreaterThan(0);
    expect(r.credits().map((c) => [c.deviceEventId, c.valueCents])).toEqual([
      ['note-1', 2000],
      ['note-2', 500],
    ]);
    expect(r.sim.credited).toHaveLength(2);
  });

  it('reports jams, fraud and stacker full as faults, and the recovery', async () => {
    const r = await rig();
    await r.driver.setMasterInhibit(false);
    r.sim.model.setJam('unsafe');
    await until(() => r.events.some((e) => e.type === 'fault' && e.reason === 'jam'), 'jam');
    r.sim.model.setJam(null);
    await until(() => r.events.some((e) => e.type === 'status' && e.state === 'ready'), 'ready');
    r.sim.model.fraud(2);
    await until(() => r.events.some((e) => e.type === 'fault' && e.reason === 'fraud'), 'fraud');
    r.sim.model.setStackerFull(true);
    await until(
      () => r.events.some((e) => e.type === 'fault' && e.reason === 'stacker-full' && e.fatal),
      'stacker full',
    );
    await r.polls(5);
    // A condition repeated on every poll is reported once, not once per poll.
    expect(r.events.filter((e) => e.type === 'fault' && e.reason === 'jam')).toHaveLength(1);
    expect(r.events.filter((e) => e.type === 'fault' && e.reason === 'stacker-full')).toHaveLength(
      1,
    );
    expect(r.credits()).toEqual([]);
  });

  it('line noise and corrupted replies never credit, and the driver keeps working', async () => {
    const r = await rig();
    await r.driver.setMasterInhibit(false);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 40; i++) {
      const noise = Uint8Array.from({ length: 1 + Math.floor(random() * 24) }, () =>
        random() < 0.2 ? 0x7f : Math.floor(random() * 256),
      );
      // A forged CREDIT NOTE frame with a wrong CRC now and then.
      r.sim.sendNoise(
        i % 5 === 0 ? Uint8Array.of(0x7f, 0x80, 0x03, 0xf0, 0xee, 0x05, 0, 0) : noise,
      );
      if (i % 8 === 0) r.sim.faults.garble = 1;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await r.polls(3);
    expect(r.credits()).toEqual([]);
    await feed(r, 5);
    expect(r.credits().map((c) => c.valueCents)).toEqual([10000]);
    expect(r.sim.credited).toHaveLength(1);
  });

  it('goes offline on hot-unplug and takes notes again after the unit is plugged back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'essp-unplug-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const port = path.join(dir, 'port');
    const first = await openPtyPair();
    await symlink(first.host, port);
    const sim1 = await EsspSimulator.open(first.device);
    const driver = new EsspNoteValidator({
      path: port,
      pollIntervalMs: 40,
      replyTimeoutMs: 150,
      escrowRules: { currency: 'EUR' },
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const events: MoneyEvent[] = [];
    driver.onEvent((e) => events.push(e));
    await driver.open({ device: null, checkpoint: null });
    cleanups.push(() => driver.close());
    await driver.setMasterInhibit(false);
    expect(sim1.model.insertNote(1)).toBe(true);
    await until(() => events.some((e) => e.type === 'credit'), 'first credit');

    await first.close(); // socat gone: both ends drop, as when the USB adapter is pulled
    await sim1.close();
    await until(() => events.some((e) => e.type === 'status' && e.state === 'offline'), 'offline');

    const second = await openPtyPair();
    cleanups.push(() => second.close());
    const sim2 = await EsspSimulator.open(second.device);
    cleanups.push(() => sim2.close());
    await symlink(second.host, `${port}.new`);
    await rename(`${port}.new`, port);
    await until(() => sim2.model.isEnabled, 'the driver to set the new line up again');
    expect(sim2.model.insertNote(2)).toBe(true);
    await until(() => events.filter((e) => e.type === 'credit').length === 2, 'second credit');
    expect(
      events.filter((e): e is CreditEvent => e.type === 'credit').map((c) => c.deviceEventId),
    ).toEqual(['note-1', 'note-2']);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'fault', reason: 'disconnected' }),
    );
  });
});

describe('POLL WITH ACK: a credit survives the host dying before it was acknowledged', () => {
  /** A second driver on the rig's line, as the core restarted with `checkpoint` from its ledger. */
  async function restart(r: Rig, checkpoint: string): Promise<Rig> {
    await r.driver.close();
    const driver = new EsspNoteValidator({
      path: r.pair.host,
      pollIntervalMs: 40,
      replyTimeoutMs: 150,
      escrowRules: { currency: 'EUR' },
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const events: MoneyEvent[] = [];
    driver.onEvent((e) => events.push(e));
    await driver.open({ device: 'essp:ITL:12345678', checkpoint });
    cleanups.push(() => driver.close());
    await driver.setMasterInhibit(false);
    const credits = () => events.filter((e): e is CreditEvent => e.type === 'credit');
    return { ...r, driver, events, credits };
  }

  /** What a ledger keeps: one entry per device event id. */
  const ledger = (...runs: Rig[]) =>
    new Map(runs.flatMap((run) => run.credits()).map((c) => [c.deviceEventId, c.valueCents]));

  it('the unit repeats an unacknowledged CREDIT NOTE after a restart; it keeps its id', async () => {
    const r = await rig();
    await r.driver.setMasterInhibit(false);
    // Every EVENT ACK is lost: the host stored the credit but the unit never heard the ACK.
    r.sim.model.ignoreEventAcks(1000);
    expect(r.sim.model.insertNote(2)).toBe(true);
    await until(() => r.credits().length > 0, 'the first credit');
    const stored = r.credits()[0]?.checkpoint ?? '';
    expect(JSON.parse(stored)).toEqual({ v: 1, notes: 1, ack: 'pending' });
    await r.polls(3);
    expect(r.sim.model.unackedEvents).toBe(1);
    // While it waits for the ACK the unit takes no other note.
    expect(r.sim.model.insertNote(1)).toBe(false);
    expect(r.events.some((e) => e.type === 'checkpoint')).toBe(false);

    r.sim.model.ignoreEventAcks(0);
    const again = await restart(r, stored);
    await until(() => again.events.some((e) => e.type === 'checkpoint'), 'the ACK');
    expect(again.credits().map((c) => c.deviceEventId)).toEqual(['note-1']);
    expect(r.sim.model.unackedEvents).toBe(0);
    await feed(again, 1);
    expect(again.credits().map((c) => c.deviceEventId)).toEqual(['note-1', 'note-2']);
    expect([...ledger(r, again)]).toEqual([
      ['note-1', 1000],
      ['note-2', 500],
    ]);
    expect(r.sim.credited.map((n) => n.value)).toEqual([10, 5]);
  });

  it('an ACK that arrived but was not yet stored: nothing repeats and the next note is new', async () => {
    const r = await rig();
    await r.driver.setMasterInhibit(false);
    await feed(r, 3);
    const stored = r.credits()[0]?.checkpoint ?? '';
    expect(r.sim.model.unackedEvents).toBe(0);
    // The kill came after the unit took the ACK but before "acknowledged" reached the disk.
    const again = await restart(r, stored);
    await until(
      () => again.events.some((e) => e.type === 'checkpoint'),
      'the pending mark cleared',
    );
    expect(again.credits()).toEqual([]);
    await feed(again, 4);
    expect([...ledger(r, again)]).toEqual([
      ['note-1', 2000],
      ['note-2', 5000],
    ]);
    expect(r.sim.credited).toHaveLength(2);
  });

  it('a lost EVENT ACK while running: the unit repeats the credit, the ledger sees one id', async () => {
    const logs: string[] = [];
    const r = await rig({ log: (line) => logs.push(line) });
    await r.driver.setMasterInhibit(false);
    // The first ACK and all its retries go unanswered: the driver resynchronises.
    r.sim.model.ignoreEventAcks(4);
    await feed(r, 5);
    await until(() => r.events.some((e) => e.type === 'checkpoint'), 'the ACK at last');
    expect(r.sim.model.stats.acksIgnored).toBe(4);
    expect(r.events).toContainEqual(
      expect.objectContaining({
        type: 'fault',
        reason: 'timeout',
        detail: expect.stringContaining('EVENT ACK'),
      }),
    );
    expect(r.credits().length).toBeGreaterThanOrEqual(2);
    expect(new Set(r.credits().map((c) => c.deviceEventId))).toEqual(new Set(['note-1']));
    await feed(r, 1);
    expect([...ledger(r)]).toEqual([
      ['note-1', 10000],
      ['note-2', 500],
    ]);
    expect(r.sim.credited).toHaveLength(2);
  });

  it('falls back to plain POLL on a unit without POLL WITH ACK', async () => {
    const logs: string[] = [];
    const r = await rig({ log: (line) => logs.push(line) }, { pollWithAck: false });
    await r.driver.setMasterInhibit(false);
    await feed(r, 2);
    await feed(r, 1);
    expect(logs).toContain('essp: unit does not know POLL WITH ACK; using POLL');
    expect(r.credits().map((c) => [c.deviceEventId, c.checkpoint])).toEqual([
      ['note-1', JSON.stringify({ v: 1, notes: 1 })],
      ['note-2', JSON.stringify({ v: 1, notes: 2 })],
    ]);
    expect(r.sim.credited).toHaveLength(2);
  });
});
