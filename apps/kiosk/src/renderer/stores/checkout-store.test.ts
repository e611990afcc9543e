import type { ApiResult, KioskResult, KioskState } from '@jukebox/protocol';
import { describe, expect, it } from 'vitest';
import { deferred, FakeApi } from '../api/fake-api.test-util.js';
import {
  sampleOrder,
  sampleRetail,
  sampleRetailState,
  sampleTrack,
} from '../api/sample-data.test-util.js';
import { createCheckoutStore, missingForPrice } from './checkout-store.js';
import { createDiscStore } from './disc-store.js';

type Quote = ApiResult<KioskResult<'quoteDisc'>>;
type Placed = ApiResult<KioskResult<'placeOrder'>>;

const okQuote = (price: number): Quote => ({
  ok: true,
  value: {
    trackCount: 2,
    durationMs: 400_000,
    sectors: 30_150,
    capacitySectors: 360_000,
    price,
    problems: [],
  },
});

function setup(credits = 899, fake = new FakeApi()) {
  let state: KioskState = sampleRetailState({ credits });
  const disc = createDiscStore(() => sampleRetail());
  disc.getState().add(sampleTrack({ id: 3, durationMs: 200_000 }));
  disc.getState().add(sampleTrack({ id: 5, durationMs: 200_000 }));
  const placed: string[] = [];
  let n = 0;
  const checkout = createCheckoutStore(
    fake.api,
    disc,
    () => state,
    (order) => placed.push(order.trackingNumber),
    () => `request-${++n}`,
  );
  return {
    fake,
    disc,
    checkout,
    placed,
    setCredits: (c: number) => (state = sampleRetailState({ credits: c })),
  };
}

const calls = (fake: FakeApi, method: string) => fake.calls.filter((c) => c.method === method);

describe('checkout store', () => {
  it('quotes, orders with the title, tracks and contact, clears the disc and reports the order', async () => {
    const fake = new FakeApi()
      .handle('quoteDisc', async () => okQuote(899))
      .handle('placeOrder', async () => ({ ok: true, value: sampleOrder() }));
    const { checkout, disc, placed } = setup(899, fake);
    disc.getState().setTitle('ROAD TRIP');
    checkout.getState().setName('Ada');
    checkout.getState().setEmail('ADA@Example.org');
    await checkout.getState().burn();
    expect(fake.calls.map((c) => c.method)).toEqual(['quoteDisc', 'placeOrder']);
    expect(fake.calls[0]!.params).toEqual({ trackIds: [3, 5] });
    expect(fake.calls[1]!.params).toEqual({
      requestId: 'request-1',
      title: 'ROAD TRIP',
      trackIds: [3, 5],
      customer: { name: 'Ada', email: 'ada@example.org' },
    });
    expect(placed).toEqual(['7K3M-9QXP-2D4F']);
    expect(disc.getState().entries).toEqual([]);
    expect(checkout.getState()).toMatchObject({
      phase: 'idle',
      name: '',
      email: '',
      attempt: null,
      placed: { trackingNumber: '7K3M-9QXP-2D4F' },
    });
  });

  it('with too little credit: says how much is missing and does not order', async () => {
    const fake = new FakeApi().handle('quoteDisc', async () => okQuote(999));
    const { checkout } = setup(500, fake);
    await checkout.getState().burn();
    expect(calls(fake, 'placeOrder')).toEqual([]);
    expect(checkout.getState().shortfall).toEqual({ missingCredits: 499, credits: 500 });
    expect(missingForPrice(sampleRetailState({ credits: 500 }), 999, null)).toBe(499);
    // Money arriving supersedes the refusal: the balance it was judged on is gone.
    const shortfall = checkout.getState().shortfall;
    expect(missingForPrice(sampleRetailState({ credits: 999 }), 999, shortfall)).toBe(0);
  });

  it('keeps the core refusal for credits until the balance changes', async () => {
    const fake = new FakeApi()
      .handle('quoteDisc', async () => okQuote(899))
      .handle('placeOrder', async () => ({
        ok: false,
        error: { code: 'insufficient_credits', message: 'short', missingCredits: 100 },
      }));
    const { checkout } = setup(899, fake);
    await checkout.getState().burn();
    expect(checkout.getState().shortfall).toEqual({ missingCredits: 100, credits: 899 });
    expect(
      missingForPrice(sampleRetailState({ credits: 899 }), 899, checkout.getState().shortfall),
    ).toBe(100);
  });

  it('shows every problem the quote reports, and does not order', async () => {
    const problems = [
      { code: 'unknown-track', message: 'Track 3 is no longer in the library', trackId: 3 },
      { code: 'track-too-short', message: '“Intro” is shorter than 4 seconds', trackId: 5 },
    ] as const;
    const fake = new FakeApi().handle('quoteDisc', async () => ({
      ok: true,
      value: {
        ...(okQuote(899) as { ok: true; value: KioskResult<'quoteDisc'> }).value,
        problems: [...problems],
      },
    }));
    const { checkout } = setup(899, fake);
    await checkout.getState().burn();
    expect(checkout.getState().problems.map((p) => p.message)).toEqual([
      'Track 3 is no longer in the library',
      '“Intro” is shorter than 4 seconds',
    ]);
    expect(calls(fake, 'placeOrder')).toEqual([]);
  });

  it('retries a lost order under the same request id; a changed disc gets a new one', async () => {
    const replies: Placed[] = [
      { ok: false, error: { code: 'unavailable', message: 'connection lost' } },
      { ok: false, error: { code: 'unavailable', message: 'connection lost' } },
      { ok: true, value: sampleOrder() },
    ];
    const fake = new FakeApi()
      .handle('quoteDisc', async () => okQuote(899))
      .handle('placeOrder', async () => replies.shift()!);
    const { checkout, disc } = setup(1_999, fake);
    await checkout.getState().burn();
    expect(checkout.getState().error).toBe(
      'The terminal is not responding. Please try again in a moment.',
    );
    await checkout.getState().burn();
    disc.getState().add(sampleTrack({ id: 9, durationMs: 100_000 }));
    await checkout.getState().burn();
    const ids = calls(fake, 'placeOrder').map((c) => (c.params as { requestId: string }).requestId);
    expect(ids).toEqual(['request-1', 'request-1', 'request-2']);
  });

  it('orders once on a double tap', async () => {
    const reply = deferred<Placed>();
    const fake = new FakeApi()
      .handle('quoteDisc', async () => okQuote(899))
      .handle('placeOrder', () => reply.promise);
    const { checkout } = setup(899, fake);
    const first = checkout.getState().burn();
    const second = checkout.getState().burn();
    await new Promise((r) => setTimeout(r, 0));
    expect(checkout.getState().phase).toBe('placing');
    reply.resolve({ ok: true, value: sampleOrder() });
    await Promise.all([first, second]);
    expect(calls(fake, 'quoteDisc')).toHaveLength(1);
    expect(calls(fake, 'placeOrder')).toHaveLength(1);
  });

  it('shows the limit the core names when it refuses the disc', async () => {
    const fake = new FakeApi()
      .handle('quoteDisc', async () => okQuote(899))
      .handle('placeOrder', async () => ({
        ok: false,
        error: { code: 'bad_request', message: 'the disc is 81:02, the media holds 79:58' },
      }));
    const { checkout } = setup(899, fake);
    await checkout.getState().burn();
    expect(checkout.getState().error).toBe(
      'This disc cannot be made: the disc is 81:02, the media holds 79:58',
    );
  });

  it('refuses a malformed email before asking the core, and an empty disc', async () => {
    const { checkout, fake, disc } = setup(899);
    checkout.getState().setEmail('ada@');
    await checkout.getState().burn();
    expect(checkout.getState().error).toBe(
      'That email address does not look right. Check it, or leave it empty.',
    );
    disc.getState().clear();
    await checkout.getState().burn();
    expect(checkout.getState().error).toBe('Your disc is empty. Add some tracks first.');
    expect(fake.calls).toEqual([]);
  });

  describe('vouchers', () => {
    it('redeems a code and says how much it added, in money', async () => {
      const fake = new FakeApi().handle('redeemVoucher', async () => ({
        ok: true,
        value: { credits: 500, balance: 500 },
      }));
      const { checkout } = setup(0, fake);
      checkout.getState().setVoucherCode('gift-2026');
      await checkout.getState().redeemVoucher();
      expect(fake.calls).toEqual([{ method: 'redeemVoucher', params: { code: 'GIFT-2026' } }]);
      expect(checkout.getState()).toMatchObject({
        voucherCode: '',
        voucherBusy: false,
        voucherMessage: { ok: true, text: 'Voucher accepted: $5.00 added' },
      });
    });

    it('says plainly when a code is unknown or already used, and keeps the code to fix', async () => {
      const replies = [
        { ok: false, error: { code: 'not_found', message: 'no voucher ABCD-1234' } },
        { ok: false, error: { code: 'bad_request', message: 'voucher redeemed 2026-11-20' } },
        { ok: false, error: { code: 'unavailable', message: 'connection lost' } },
      ] as const;
      let i = 0;
      const fake = new FakeApi().handle('redeemVoucher', async () => replies[i++]!);
      const { checkout } = setup(0, fake);
      checkout.getState().setVoucherCode('ABCD-1234');
      const texts: string[] = [];
      for (let n = 0; n < 3; n++) {
        await checkout.getState().redeemVoucher();
        texts.push(checkout.getState().voucherMessage!.text);
        expect(checkout.getState().voucherMessage!.ok).toBe(false);
      }
      expect(texts).toEqual([
        'We do not know this voucher code. Please check it and try again.',
        'This voucher has already been used or is no longer valid.',
        'The terminal is not responding. Please try again in a moment.',
      ]);
      expect(checkout.getState().voucherCode).toBe('ABCD-1234');
    });

    it('checks the length of a code before sending it', async () => {
      const { checkout, fake } = setup(0);
      checkout.getState().setVoucherCode('AB');
      await checkout.getState().redeemVoucher();
      expect(fake.calls).toEqual([]);
      expect(checkout.getState().voucherMessage).toEqual({
        ok: false,
        text: 'A voucher code has 4 to 32 characters. Please check it.',
      });
    });
  });
});
