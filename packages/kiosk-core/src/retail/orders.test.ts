import { afterEach, describe, expect, it } from 'vitest';
import { orderData, trackingNumber } from '@jukebox/protocol';
import { RetailOrders } from './orders.js';
import { retailFixture } from './test-support/fixture.js';
import { Vouchers } from './vouchers.js';
import { normaliseVoucherCode } from './ids.js';

let fx: ReturnType<typeof retailFixture> | undefined;
afterEach(() => fx?.close());

const MIN = 60_000;

function setup(tracks: { title: string; durationMs: number; isrc?: string }[]) {
  fx = retailFixture(tracks);
  const orders = new RetailOrders(fx.db, fx.ledger, fx.outbox, fx.config.retail, 'USD');
  return { fx, orders };
}

function outboxKinds(f: NonNullable<typeof fx>) {
  return f.outbox.pending(0, 1000).map((r) => r.kind);
}

describe('quotes', () => {
  it('prices the first seven songs at the base price, then per song, and counts sectors', () => {
    const { fx, orders } = setup(
      Array.from({ length: 9 }, (_, i) => ({ title: `Song ${i}`, durationMs: 3 * MIN + 1 })),
    );
    const q = orders.quote(fx.ids);
    expect(q.price).toBe(899 + 2 * 100);
    expect(q.trackCount).toBe(9);
    // 180.001 s = 13500.075 sectors, padded to 13501 each; plus the 150-sector pregap.
    expect(q.sectors).toBe(150 + 9 * 13_501);
    expect(q.capacitySectors).toBe(360_000);
    expect(q.problems).toEqual([]);
    expect(orders.quote([]).problems.map((p) => p.code)).toEqual(['empty']);
  });

  it('lists every broken limit with a reason: short tracks, capacity, 99 tracks, unknown ids', () => {
    const { fx, orders } = setup([
      { title: 'Jingle', durationMs: 3_990 },
      { title: 'Epic', durationMs: 20 * MIN },
      { title: 'Exactly four', durationMs: 4_000 },
    ]);
    const [jingle, epic, four] = fx.ids as [number, number, number];
    expect(orders.quote([four]).problems).toEqual([]);
    const q = orders.quote([jingle, jingle, epic, epic, epic, epic, 999_999]);
    expect(q.problems.map((p) => p.code)).toEqual([
      'track-too-short',
      'unknown-track',
      'over-capacity',
    ]);
    expect(q.problems[0]?.message).toMatch(/"Jingle" is shorter than 4 seconds/);
    expect(q.problems[2]?.message).toMatch(/80-minute disc holds 80:00/);
    const hundred = orders.quote(Array.from({ length: 100 }, () => four));
    expect(hundred.problems.map((p) => p.code)).toEqual(['too-many-tracks']);
    expect(hundred.problems[0]?.message).toMatch(/at most 99 tracks/);
    expect(orders.quote(Array.from({ length: 99 }, () => four)).problems).toEqual([]);
  });
});

describe('placing an order', () => {
  it('spends the price, queues a burn job and sends the order up in one transaction', () => {
    const { fx, orders } = setup([
      { title: 'One', durationMs: 3 * MIN, isrc: 'USABC2400001' },
      { title: 'Two', durationMs: 4 * MIN },
    ]);
    fx.pay(1000);
    const r = orders.place({
      requestId: 'req-00000001',
      title: 'Road trip',
      trackIds: [fx.ids[1]!, fx.ids[0]!],
      customer: { name: 'Ada', email: 'ada@example.com' },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(trackingNumber.safeParse(r.value.trackingNumber).success).toBe(true);
    expect(r.value).toMatchObject({
      title: 'Road trip',
      trackCount: 2,
      price: 899,
      status: 'queued',
    });
    expect(fx.ledger.balance()).toBe(101);
    const order = fx.outbox.pending(0, 100).find((rec) => rec.kind === 'order');
    const parsed = orderData.parse(order?.data);
    expect(parsed.tracks.map((t) => t.title)).toEqual(['Two', 'One']);
    expect(parsed.tracks[1]?.isrc).toBe('USABC2400001');
    expect(parsed.customer).toEqual({ name: 'Ada', email: 'ada@example.com' });
    // The view the UI gets never carries the customer's contact.
    expect(JSON.stringify(r.value)).not.toMatch(/Ada|example\.com/);
    expect(fx.db.prepare('SELECT state FROM burn_jobs').all()).toEqual([{ state: 'queued' }]);
  });

  it('answers a retry with the same request id with the same order and charges once', () => {
    const { fx, orders } = setup([{ title: 'One', durationMs: 3 * MIN }]);
    fx.pay(2000);
    const input = { requestId: 'retry-me-1', title: 'Mix', trackIds: [fx.ids[0]!] };
    const first = orders.place(input);
    const again = orders.place(input);
    expect(first.ok && again.ok && first.value.trackingNumber === again.value.trackingNumber).toBe(
      true,
    );
    expect(fx.ledger.balance()).toBe(2000 - 899);
  });

  it('refuses a short balance, saying how much is missing, and changes nothing', () => {
    const { fx, orders } = setup([{ title: 'One', durationMs: 3 * MIN }]);
    fx.pay(500);
    const before = outboxKinds(fx).length;
    const r = orders.place({ requestId: 'short-000', title: 'Mix', trackIds: [fx.ids[0]!] });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'insufficient_credits', missingCredits: 399 },
    });
    expect(fx.ledger.balance()).toBe(500);
    expect(outboxKinds(fx).length).toBe(before);
    expect(fx.db.prepare('SELECT count(*) AS n FROM retail_orders').get()).toEqual({ n: 0 });
  });

  it('refuses a disc that breaks a limit even when the UI let it through', () => {
    const { fx, orders } = setup([{ title: 'Jingle', durationMs: 2_000 }]);
    fx.pay(5000);
    const r = orders.place({ requestId: 'limits-01', title: 'Mix', trackIds: [fx.ids[0]!] });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    if (!r.ok) expect(r.error.message).toMatch(/shorter than 4 seconds/);
    expect(fx.ledger.balance()).toBe(5000);
  });
});

describe('vouchers', () => {
  it('redeem once into credits, as typed by a person', () => {
    fx = retailFixture([]);
    const vouchers = new Vouchers(fx.db, fx.ledger);
    const v = vouchers.issue(899, 'amy', 'scratched disc');
    expect(v.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const typed = v.code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    expect(vouchers.redeem(typed)).toEqual({ ok: true, value: { credits: 899, balance: 899 } });
    const again = vouchers.redeem(v.code);
    expect(again).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    if (!again.ok) expect(again.error.message).toMatch(/already used/);
    expect(vouchers.redeem('ZZZZ-ZZZZ-ZZZZ')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(fx.ledger.balance()).toBe(899);
    const row = fx.ledger.entriesAfter(0).at(-1);
    expect(row).toMatchObject({ kind: 'free', reason: `voucher ${v.code}`, staff: 'amy' });
    expect(vouchers.list()[0]?.redeemedAt).not.toBeNull();
  });

  it('normalises what people type', () => {
    expect(normaliseVoucherCode(' ab1o-il23 xyz9 ')).toBe('AB10-1123-XYZ9');
  });
});
