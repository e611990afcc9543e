import { moneyConfig } from '@jukebox/protocol';
import { describe, expect, it } from 'vitest';
import { creditsFor, priceOf } from './pricing.js';

const pricing = moneyConfig.parse({
  table: [
    { valueCents: 25, credits: 1 },
    { valueCents: 100, credits: 4 },
    { valueCents: 500, credits: 20, bonus: 2 },
  ],
  songPrice: 1,
  playNextPrice: 3,
});

describe('creditsFor', () => {
  it('grants the table credits, with the bonus on larger notes', () => {
    expect(creditsFor(25, pricing)).toEqual({ ok: true, value: { credits: 1, base: 1, bonus: 0 } });
    expect(creditsFor(100, pricing)).toEqual({
      ok: true,
      value: { credits: 4, base: 4, bonus: 0 },
    });
    expect(creditsFor(500, pricing)).toEqual({
      ok: true,
      value: { credits: 22, base: 20, bonus: 2 },
    });
  });

  it('refuses a value with no rule instead of prorating it', () => {
    const r = creditsFor(50, pricing);
    expect(r).toEqual({
      ok: false,
      error: { code: 'no_price_rule', message: expect.stringMatching(/50/) },
    });
  });

  it('refuses values that are not a positive whole number of minor units', () => {
    for (const v of [0, -25, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = creditsFor(v, pricing);
      expect(r.ok ? null : r.error.code).toBe('invalid_amount');
    }
  });

  it('the default config prices a quarter, a dollar and a five', () => {
    const defaults = moneyConfig.parse({});
    const credits = [25, 100, 500].map((v) => {
      const r = creditsFor(v, defaults);
      return r.ok ? r.value.credits : null;
    });
    expect(credits).toEqual([1, 4, 22]);
  });
});

describe('priceOf', () => {
  it('charges the premium for play next', () => {
    expect(priceOf({ playNext: false }, pricing)).toBe(1);
    expect(priceOf({ playNext: true }, pricing)).toBe(3);
  });
});
