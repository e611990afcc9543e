import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { CreditLedger } from './ledger.js';
import { coin, ledgerFixture, testPricing } from './test-support/ledger-fixture.js';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.close());

describe('CreditLedger device credits', () => {
  it('credits an event exactly once, however often it is replayed', () => {
    const first = fx.ledger.creditFromDevice(coin(1, 100));
    expect(first).toMatchObject({ ok: true, value: { status: 'credited', entry: { credits: 4 } } });
    const seq = first.ok && first.value.status === 'credited' ? first.value.entry.seq : -1;
    for (let i = 0; i < 2; i++) {
      expect(fx.ledger.creditFromDevice(coin(1, 100))).toEqual({
        ok: true,
        value: { status: 'duplicate', seq, balance: 4 },
      });
    }
    expect(fx.ledger.balance()).toBe(4);
    expect(fx.db.prepare('SELECT count(*) AS n FROM ledger').get()).toEqual({ n: 1 });
  });

  it('the same event id on another device is another coin', () => {
    fx.ledger.creditFromDevice(coin(1));
    fx.ledger.creditFromDevice({ ...coin(1), device: 'coin2' });
    expect(fx.ledger.balance()).toBe(2);
  });

  it('stores the counter with the credit, and survives a reopen', () => {
    fx.ledger.creditFromDevice(coin(7, 500));
    const other = openDatabase(fx.file);
    const after = new CreditLedger(other, testPricing);
    expect(after.deviceCounter('coin')).toMatchObject({ serial: 'SN1', counter: 7 });
    expect(after.balance()).toBe(22);
    // The driver re-reads the event after the restart: the new process recognises it.
    expect(after.creditFromDevice(coin(7, 500))).toMatchObject({ value: { status: 'duplicate' } });
    expect(after.audit()).toEqual({ balance: 22, sum: 22, consistent: true });
    expect(after.entriesAfter(0)).toEqual([
      expect.objectContaining({ kind: 'credit', credits: 22, bonus: 2, valueCents: 500 }),
    ]);
    other.close();
  });

  it('a crash between the credit and the counter write leaves neither', () => {
    // The trigger fails the second write of the transaction, as a power cut would stop it.
    fx.db.exec(`CREATE TEMP TRIGGER cut BEFORE INSERT ON device_counters
      BEGIN SELECT RAISE(ABORT, 'power cut'); END`);
    expect(() => fx.ledger.creditFromDevice(coin(1))).toThrow(/power cut/);
    expect(fx.ledger.balance()).toBe(0);
    expect(fx.ledger.entriesAfter(0)).toEqual([]);
    expect(fx.ledger.deviceCounter('coin')).toBeUndefined();
    fx.db.exec('DROP TRIGGER temp.cut');
    expect(fx.ledger.creditFromDevice(coin(1))).toMatchObject({ value: { status: 'credited' } });
  });

  it('a failure after the credit in an enclosing transaction undoes the credit too', () => {
    const outer = fx.db.transaction(() => {
      fx.ledger.creditFromDevice(coin(1));
      throw new Error('crash after credit');
    });
    expect(() => outer()).toThrow(/crash after credit/);
    expect(fx.ledger.balance()).toBe(0);
    expect(fx.ledger.deviceCounter('coin')).toBeUndefined();
  });

  it('refuses an unpriced value or a bad counter and changes nothing', () => {
    expect(fx.ledger.creditFromDevice(coin(1, 50))).toMatchObject({
      ok: false,
      error: { code: 'no_price_rule' },
    });
    expect(
      fx.ledger.creditFromDevice({ ...coin(2), counter: { serial: 'SN1', value: -1 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_amount' },
    });
    expect(fx.ledger.entriesAfter(0)).toEqual([]);
    expect(fx.ledger.deviceCounter('coin')).toBeUndefined();
  });

  it('saves a counter move that carries no credit', () => {
    expect(fx.ledger.saveDeviceCounter('coin', { serial: 'SN9', value: 3 })).toMatchObject({
      ok: true,
      value: { device: 'coin', serial: 'SN9', counter: 3 },
    });
    expect(fx.ledger.deviceCounter('coin')?.counter).toBe(3);
    expect(fx.ledger.balance()).toBe(0);
  });
});

describe('CreditLedger spend, refund and free credits', () => {
  it('spends, refuses a short balance, and refunds at most what was spent', () => {
    fx.ledger.creditFromDevice(coin(1, 100));
    expect(fx.ledger.spend(3, 'queue:1')).toMatchObject({
      ok: true,
      value: { credits: -3, balanceAfter: 1 },
    });
    expect(fx.ledger.spend(2, 'queue:2')).toEqual({
      ok: false,
      error: { code: 'insufficient_credits', message: '2 credits needed, 1 available' },
    });
    expect(fx.ledger.refund(2, 'track unreadable', 'queue:1')).toMatchObject({
      ok: true,
      value: { balanceAfter: 3 },
    });
    expect(fx.ledger.refund(2, 'retried', 'queue:1')).toMatchObject({
      ok: false,
      error: { code: 'refund_exceeds_spend' },
    });
    expect(fx.ledger.refund(1, 'no such spend', 'queue:9')).toMatchObject({
      ok: false,
      error: { code: 'refund_exceeds_spend' },
    });
    expect(fx.ledger.refund(1, ' ', 'queue:1')).toMatchObject({
      ok: false,
      error: { code: 'reason_required' },
    });
    expect(fx.ledger.balance()).toBe(3);
  });

  it('free credits need a reason and a staff name', () => {
    expect(fx.ledger.freeCredits(2, '', 'ann')).toMatchObject({
      error: { code: 'reason_required' },
    });
    expect(fx.ledger.freeCredits(2, 'coin jam', '')).toMatchObject({
      error: { code: 'staff_required' },
    });
    expect(fx.ledger.freeCredits(0, 'coin jam', 'ann')).toMatchObject({
      error: { code: 'invalid_amount' },
    });
    expect(fx.ledger.freeCredits(2, 'coin jam', 'ann')).toMatchObject({
      ok: true,
      value: { kind: 'free', credits: 2, reason: 'coin jam', staff: 'ann' },
    });
    expect(fx.ledger.balance()).toBe(2);
  });

  it('the running balance equals the sum of the ledger', () => {
    fx.ledger.creditFromDevice(coin(1, 500));
    fx.ledger.spend(3, 'q1');
    fx.ledger.refund(1, 'skipped', 'q1');
    fx.ledger.freeCredits(5, 'promo', 'bob');
    const sum = fx.db.prepare('SELECT sum(credits) AS s FROM ledger').get() as { s: number };
    expect(fx.ledger.balance()).toBe(22 - 3 + 1 + 5);
    expect(sum.s).toBe(fx.ledger.balance());
    expect(fx.ledger.audit()).toEqual({ balance: 25, sum: 25, consistent: true });
  });
});

describe('ledger schema', () => {
  it('refuses UPDATE and DELETE of ledger rows and collections', () => {
    fx.ledger.creditFromDevice(coin(1));
    fx.ledger.markCollection('ann');
    expect(() => fx.db.prepare('UPDATE ledger SET credits = 100').run()).toThrow(/append-only/);
    expect(() => fx.db.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
    expect(() => fx.db.prepare('UPDATE collections SET through_seq = 0').run()).toThrow(
      /append-only/,
    );
    expect(() => fx.db.prepare('DELETE FROM collections').run()).toThrow(/append-only/);
    expect(fx.ledger.balance()).toBe(1);
  });

  it('refuses a row whose running balance does not follow, or goes negative', () => {
    const insert = fx.db.prepare(
      `INSERT INTO ledger (at, kind, credits, balance_after, reason, staff) VALUES ('t', 'free', 5, ?, 'r', 's')`,
    );
    expect(() => insert.run(6)).toThrow(/does not follow/);
    insert.run(5);
    expect(() =>
      fx.db
        .prepare(
          `INSERT INTO ledger (at, kind, credits, balance_after, ref) VALUES ('t', 'spend', -6, -1, 'x')`,
        )
        .run(),
    ).toThrow(/CHECK/);
  });

  it('refuses a second row for the same device event even past the API', () => {
    fx.ledger.creditFromDevice(coin(1));
    expect(() =>
      fx.db
        .prepare(
          `INSERT INTO ledger (at, kind, credits, balance_after, value_cents, device, device_event_id, denomination)
           VALUES ('t', 'credit', 1, 2, 25, 'coin', 'SN1:1', 'C25')`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
  });
});

describe('money totals and collections', () => {
  it('totals per denomination since the last collection', () => {
    expect(fx.ledger.totalsSinceCollection()).toEqual({
      since: null,
      byDenomination: [],
      totalCents: 0,
      count: 0,
    });
    fx.ledger.creditFromDevice(coin(1));
    fx.ledger.creditFromDevice(coin(2));
    fx.ledger.creditFromDevice(coin(3, 500));
    fx.ledger.creditFromDevice(coin(3, 500)); // replay: not money
    fx.ledger.spend(2, 'q1'); // spending does not take cash out of the box
    expect(fx.ledger.totalsSinceCollection()).toEqual({
      since: null,
      byDenomination: [
        { denomination: 'C25', valueCents: 25, count: 2, totalCents: 50, credits: 2 },
        { denomination: 'C500', valueCents: 500, count: 1, totalCents: 500, credits: 22 },
      ],
      totalCents: 550,
      count: 3,
    });

    const mark = fx.ledger.markCollection('route-7');
    expect(mark).toMatchObject({
      ok: true,
      value: { collection: { staff: 'route-7', throughSeq: 4 }, collected: { totalCents: 550 } },
    });
    expect(fx.ledger.totalsSinceCollection()).toMatchObject({
      since: { staff: 'route-7' },
      byDenomination: [],
      totalCents: 0,
    });
    fx.ledger.creditFromDevice(coin(4, 100));
    expect(fx.ledger.totalsSinceCollection()).toMatchObject({
      byDenomination: [{ denomination: 'C100', count: 1, totalCents: 100 }],
      totalCents: 100,
    });
    expect(fx.ledger.balance()).toBe(24 - 2 + 4);
    expect(fx.ledger.markCollection(' ')).toMatchObject({
      ok: false,
      error: { code: 'staff_required' },
    });
  });
});
