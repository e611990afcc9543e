import { describe, expect, it } from 'vitest';
import { kioskConfig, moneyConfig } from './index.js';

describe('money config', () => {
  it('an empty config carries a working price table', () => {
    const m = kioskConfig.parse({}).money;
    expect(m.currency).toBe('USD');
    expect(m.minorUnit).toBe(2);
    expect(m.songPrice).toBe(1);
    expect(m.playNextPrice).toBeGreaterThan(m.songPrice);
    expect(m.table.find((r) => r.valueCents === 500)).toEqual({
      valueCents: 500,
      credits: 20,
      bonus: 2,
    });
  });

  it('fills a missing bonus with 0 and keeps a custom table', () => {
    const m = moneyConfig.parse({ currency: 'EUR', table: [{ valueCents: 200, credits: 5 }] });
    expect(m.table).toEqual([{ valueCents: 200, credits: 5, bonus: 0 }]);
    expect(m.currency).toBe('EUR');
  });

  it('refuses a misspelt key, a repeated value and a cheap "play next"', () => {
    const typo = kioskConfig.safeParse({ money: { songPrise: 2 } });
    expect(typo.success).toBe(false);
    expect(typo.error?.issues[0]?.message).toMatch(/songPrise/);

    const twice = moneyConfig.safeParse({
      table: [
        { valueCents: 100, credits: 4 },
        { valueCents: 100, credits: 5 },
      ],
    });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toMatch(/only once/);

    const cheap = moneyConfig.safeParse({ songPrice: 2, playNextPrice: 1 });
    expect(cheap.success).toBe(false);
    expect(cheap.error?.issues[0]?.path).toEqual(['playNextPrice']);
  });

  it('refuses fractional or non-positive amounts', () => {
    expect(moneyConfig.safeParse({ table: [{ valueCents: 2.5, credits: 1 }] }).success).toBe(false);
    expect(moneyConfig.safeParse({ table: [{ valueCents: 25, credits: 0 }] }).success).toBe(false);
    expect(moneyConfig.safeParse({ table: [] }).success).toBe(false);
    expect(moneyConfig.safeParse({ currency: 'usd' }).success).toBe(false);
  });
});
