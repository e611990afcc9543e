import { describe, expect, it } from 'vitest';
import {
  creditDisplayText,
  insertMoneyText,
  moneyFeedbackText,
  priceText,
  rejectReasonText,
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
});
