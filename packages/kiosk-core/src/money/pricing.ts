import type { MoneyConfig } from '@jukebox/protocol';
import { refused, type LedgerResult } from './result.js';

/** The pricing settings the ledger needs (the `money` section of the box config). */
export type Pricing = Pick<MoneyConfig, 'table' | 'songPrice' | 'playNextPrice'>;

/** Credits earned by one coin or note. */
export interface CreditGrant {
  /** Total credits: `base + bonus`. */
  credits: number;
  base: number;
  bonus: number;
}

/**
 * Credits for one coin or note of `valueCents` (minor units). Only an exact row of the price
 * table counts: a value with no row is refused rather than prorated, because a device
 * reporting an unexpected value is a configuration or device fault to look at, not money to
 * guess about.
 */
export function creditsFor(
  valueCents: number,
  pricing: Pick<Pricing, 'table'>,
): LedgerResult<CreditGrant> {
  if (!Number.isSafeInteger(valueCents) || valueCents <= 0) {
    return refused(
      'invalid_amount',
      `value ${valueCents} is not a positive whole number of minor units`,
    );
  }
  const rule = pricing.table.find((r) => r.valueCents === valueCents);
  if (!rule) return refused('no_price_rule', `no price rule for a value of ${valueCents}`);
  return {
    ok: true,
    value: { credits: rule.credits + rule.bonus, base: rule.credits, bonus: rule.bonus },
  };
}

/** Credits a pick costs: the song price, or the premium "play next" price. */
export function priceOf(pick: { playNext: boolean }, pricing: Pricing): number {
  return pick.playNext ? pricing.playNextPrice : pricing.songPrice;
}
