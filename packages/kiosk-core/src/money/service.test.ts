import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MoneyUpdate } from './service.js';
import { MoneyService } from './service.js';
import { DeviceCheckpoints } from './checkpoints.js';
import { CreditLedger } from './ledger.js';
import { captureLog } from './test-support/capture-log.js';
import { ledgerFixture, testPricing } from './test-support/ledger-fixture.js';
import { coinAndNote, type MemoryMoneyDevice } from './test-support/memory-device.js';
import { openDatabase } from '../db/index.js';

let fx: ReturnType<typeof ledgerFixture>;
let coin: MemoryMoneyDevice;
let note: MemoryMoneyDevice;
let updates: MoneyUpdate[];
let logs: ReturnType<typeof captureLog>;
let service: MoneyService;

function makeService(ledger = fx.ledger, db = fx.db): MoneyService {
  const s = new MoneyService({
    db,
    ledger,
    pricing: testPricing,
    log: logs.log,
    reopenDelayMs: 5,
    devices: [
      { config: { id: 'coins', driver: 'cctalk' }, device: coin },
      { config: { id: 'notes', driver: 'essp' }, device: note },
    ],
  });
  s.onUpdate((u) => updates.push(u));
  return s;
}

beforeEach(async () => {
  fx = ledgerFixture('kc-money-service-');
  ({ coin, note } = coinAndNote());
  updates = [];
  logs = captureLog();
  service = makeService();
  await service.start();
});
afterEach(async () => {
  await service.close();
  fx.close();
});

const feedback = () => updates.flatMap((u) => (u.type === 'feedback' ? [u.feedback] : []));

describe('MoneyService', () => {
  it('opens each acceptor with no checkpoint, enables only priced denominations, takes money', () => {
    expect(coin.opens).toEqual([{ device: null, checkpoint: null }]);
    // 50c (position 3) has no price rule: it stays inhibited and the device hands it back.
    expect(coin.enabled).toEqual([1, 2]);
    expect(note.enabled).toEqual([1]);
    expect([coin.masterInhibit, note.masterInhibit]).toEqual([false, false]);
    expect(service.devices().map((d) => [d.id, d.unit, d.state, d.inhibited])).toEqual([
      ['coins', 'cctalk:SIM:100', 'ready', false],
      ['notes', 'essp:SIM:200', 'ready', false],
    ]);
    expect(service.state()).toEqual({ coins: 'ok', notes: 'ok', message: null });
  });

  it('credits each coin and note once, with its checkpoint, and tells the UI', () => {
    coin.insert(1);
    coin.insert(2);
    note.insert(1);
    coin.insert(3);
    expect(fx.ledger.balance()).toBe(1 + 4 + 22);
    expect(feedback()).toEqual([
      { kind: 'accepted', acceptor: 'coin', valueCents: 25, credits: 1 },
      { kind: 'accepted', acceptor: 'coin', valueCents: 100, credits: 4 },
      { kind: 'accepted', acceptor: 'note', valueCents: 500, credits: 22 },
      { kind: 'rejected', acceptor: 'coin', reason: 'inhibited' },
    ]);
    const cps = new DeviceCheckpoints(fx.db);
    expect(cps.get('coins')).toEqual({ unit: 'cctalk:SIM:100', checkpoint: '2' });
    expect(cps.get('notes')).toEqual({ unit: 'essp:SIM:200', checkpoint: '1' });
    expect(service.totals()).toMatchObject({ totalCents: 625, count: 3 });
    expect(service.totals().byDenomination.map((d) => d.denomination)).toEqual([
      'coin:25',
      'coin:100',
      'note:500',
    ]);
  });

  it('a replayed credit event changes nothing', () => {
    coin.insert(2);
    const replay = {
      type: 'credit' as const,
      device: coin.unit,
      deviceEventId: 'e1',
      valueCents: 100,
      position: 2,
      checkpoint: '1',
    };
    coin.emit(replay);
    coin.emit(replay);
    expect(fx.ledger.balance()).toBe(4);
    expect(fx.db.prepare("SELECT count(*) AS n FROM ledger WHERE kind = 'credit'").get()).toEqual({
      n: 1,
    });
    expect(feedback()).toHaveLength(1);
  });

  it('after a restart each acceptor resumes from the checkpoint stored with its last credit', async () => {
    coin.insert(1);
    coin.insert(1);
    await service.close();
    const db = openDatabase(fx.file);
    try {
      ({ coin, note } = coinAndNote());
      service = makeService(new CreditLedger(db, testPricing), db);
      await service.start();
      expect(coin.opens).toEqual([{ device: 'cctalk:SIM:100', checkpoint: '2' }]);
      expect(note.opens).toEqual([{ device: null, checkpoint: null }]);
      // The unit carries on from its counter: the next coin is a new event, not a replay.
      coin.insert(1);
      expect(fx.ledger.balance()).toBe(3);
    } finally {
      await service.close();
      db.close();
    }
  });

  it('a coin the price table does not cover is logged as an alarm, never credited', () => {
    coin.emit({
      type: 'credit',
      device: coin.unit,
      deviceEventId: 'x1',
      valueCents: 50,
      position: 3,
      checkpoint: '9',
    });
    expect(fx.ledger.balance()).toBe(0);
    expect(logs.lines.some((l) => l.alarm === 'money-not-credited')).toBe(true);
    // The device moved past it: the checkpoint advances so a restart does not replay it.
    expect(new DeviceCheckpoints(fx.db).get('coins')?.checkpoint).toBe('9');
  });

  it('faults become the money state the UI shows', () => {
    coin.emit({ type: 'fault', device: coin.unit, reason: 'jam', fatal: true });
    expect(service.state()).toEqual({ coins: 'faulty', notes: 'ok', message: 'Bills only' });
    expect(service.devices()[0]).toMatchObject({ state: 'out-of-order', fault: 'jam' });
    note.emit({ type: 'fault', device: note.unit, reason: 'disconnected', fatal: false });
    expect(service.state()).toEqual({ coins: 'faulty', notes: 'faulty', message: 'Out of order' });
    coin.emit({ type: 'status', device: coin.unit, state: 'ready' });
    expect(service.state()).toEqual({ coins: 'ok', notes: 'faulty', message: 'Coins only' });
    expect(updates.filter((u) => u.type === 'changed').length).toBeGreaterThanOrEqual(3);
  });

  it('a power cycle clears a jam: the unit is set up again and ready', async () => {
    coin.emit({ type: 'fault', device: coin.unit, reason: 'jam', fatal: true });
    expect(service.state().message).toBe('Bills only');
    coin.emit({ type: 'status', device: coin.unit, state: 'reset' });
    await vi.waitFor(() =>
      expect(service.devices()[0]).toMatchObject({ state: 'ready', fault: null, inhibited: false }),
    );
    expect(service.state()).toEqual({ coins: 'ok', notes: 'ok', message: null });
    coin.insert(1);
    expect(fx.ledger.balance()).toBe(1);
  });

  it('lost events raise the money alarm and credit nothing', () => {
    coin.emit({ type: 'fault', device: coin.unit, reason: 'events-lost', fatal: false, lost: 7 });
    expect(fx.ledger.balance()).toBe(0);
    expect(logs.lines.find((l) => l.alarm === 'money-events-lost')).toMatchObject({ lost: 7 });
  });

  it('master-inhibits every acceptor while the box cannot play', async () => {
    await service.setAccepting(false);
    expect([coin.masterInhibit, note.masterInhibit]).toEqual([true, true]);
    coin.insert(1);
    expect(fx.ledger.balance()).toBe(0);
    expect(feedback()).toEqual([{ kind: 'rejected', acceptor: 'coin', reason: 'inhibited' }]);
    await service.setAccepting(true);
    coin.insert(1);
    expect(fx.ledger.balance()).toBe(1);
  });

  it('an acceptor that does not open is offline, then retried until it does', async () => {
    await service.close();
    ({ coin, note } = coinAndNote());
    coin.failOpens = 2;
    service = makeService();
    await service.start();
    expect(service.state()).toEqual({ coins: 'faulty', notes: 'ok', message: 'Bills only' });
    await expect.poll(() => service.devices()[0]?.state).toBe('ready');
    expect(coin.opens).toHaveLength(3);
    expect(coin.masterInhibit).toBe(false);
    expect(service.state().message).toBeNull();
  });

  it('close inhibits and releases every acceptor and ignores late events', async () => {
    await service.close();
    expect([coin.isOpen, note.isOpen]).toEqual([false, false]);
    expect([coin.masterInhibit, note.masterInhibit]).toEqual([true, true]);
    coin.emit({
      type: 'credit',
      device: coin.unit,
      deviceEventId: 'late',
      valueCents: 25,
      position: 1,
      checkpoint: '1',
    });
    expect(fx.ledger.balance()).toBe(0);
  });
});
