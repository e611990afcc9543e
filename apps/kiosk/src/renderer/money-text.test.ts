import { describe, expect, it } from 'vitest';
import {
  creditDisplayText,
  insertMoneyText,
  moneyFeedbackText,
  moneyText,
  priceText,
  rejectReasonText,
  retailCreditText,
} from './money-text.js';

describe('money text', () => {
  it('shows Free play or the balance', () => {
    expect(creditDisplayText(5, true)).toBe('Free play');
    expect(creditDisplayText(0, false)).toBe('Credits: 0');
    expect(creditDisplayText(7, false)).toBe('Credits: 7');
  });

  it('prices in credits, singular for one', () => {
    expect(priceText(1, false)).toBe('1 credit');
    expect(priceText(3, false)).toBe('3 credits');
    expect(priceText(1, true)).toBe('Free');
  });

  it('asks for the missing credits', () => {
    expect(insertMoneyText(2)).toBe('Insert money: 2 more credits needed');
    expect(insertMoneyText(1)).toBe('Insert money: 1 more credit needed');
  });

  it('says which acceptor took or returned the money', () => {
    const coin = { kind: 'accepted', acceptor: 'coin', valueCents: 25, credits: 1 } as const;
    expect(moneyFeedbackText(coin)).toBe('Coin accepted: +1 credit');
    expect(moneyFeedbackText({ ...coin, acceptor: 'note', valueCents: 500, credits: 22 })).toBe(
      'Note accepted: +22 credits',
    );
    expect(moneyFeedbackText({ kind: 'rejected', acceptor: 'coin', reason: 'too-fast' })).toBe(
      'Coin returned: please insert one at a time',
    );
  });

  it('never shows a raw device reason', () => {
    for (const reason of ['rejected', 'inhibited', 'unknown-denomination', 'fraud', 'slug']) {
      expect(rejectReasonText(reason)).not.toContain(reason);
    }
    expect(rejectReasonText('weird-new-code')).toBe('please try again');
  });

  it('shows minor units as money in the configured currency', () => {
    const usd = { currency: 'USD', minorUnit: 2 };
    expect(moneyText(899, usd)).toBe('$8.99');
    expect(moneyText(0, usd)).toBe('$0.00');
    expect(moneyText(123_456, usd)).toBe('$1,234.56');
    expect(moneyText(250, { currency: 'EUR', minorUnit: 2 })).toBe('€2.50');
    expect(moneyText(500, { currency: 'JPY', minorUnit: 0 })).toBe('¥500');
    expect(retailCreditText(1500, usd)).toBe('Credit: $15.00');
  });

  it('still reads as money with a currency code Intl does not know', () => {
    expect(moneyText(899, { currency: 'not a code', minorUnit: 2 })).toBe('8.99 not a code');
  });

  it('words coin credits as money on a retail terminal', () => {
    const coin = { kind: 'accepted', acceptor: 'coin', valueCents: 100, credits: 100 } as const;
    const usd = { currency: 'USD', minorUnit: 2 };
    expect(moneyFeedbackText(coin, (n) => moneyText(n, usd))).toBe('Coin accepted: +$1.00');
  });
});
