import { describe, expect, it } from 'vitest';
import { decideEscrow, type EscrowRules } from './escrow.js';

const rules: EscrowRules = {
  currency: 'EUR',
  acceptedValues: [500, 1000, 2000, 5000],
  maxValue: 2000,
  rejectChannels: [3],
  returnWhenQueueFull: true,
  maxBalance: 4000,
};
const idle = { queueFull: false, balance: 0 };
const note = (channel: number, value: number | undefined, currency = 'EUR') => ({
  channel,
  value,
  currency,
});

describe('decideEscrow', () => {
  it('accepts a note every rule allows', () => {
    expect(decideEscrow(note(1, 500), rules, idle)).toEqual({ action: 'accept' });
    expect(decideEscrow(note(9, 10_000), { currency: 'EUR' }, idle)).toEqual({ action: 'accept' });
  });

  it('returns with the reason of the rule that refused it', () => {
    const reason = (n: ReturnType<typeof note>, ctx = idle) => {
      const d = decideEscrow(n, rules, ctx);
      return d.action === 'return' ? d.reason : 'accepted';
    };
    expect(reason(note(6, undefined))).toBe('unknown-channel');
    expect(reason(note(1, 500, 'GBP'))).toBe('wrong-currency');
    expect(reason(note(3, 2000))).toBe('channel-rejected');
    expect(reason(note(2, 700))).toBe('value-not-accepted');
    expect(reason(note(4, 5000))).toBe('above-max-value');
    expect(reason(note(1, 500), { queueFull: true, balance: 0 })).toBe('queue-full');
    expect(reason(note(2, 1000), { queueFull: false, balance: 3500 })).toBe('balance-limit');
    expect(reason(note(2, 1000), { queueFull: false, balance: 3000 })).toBe('accepted');
  });

  it('ignores a full queue unless the operator asked to return notes then', () => {
    const lax = { ...rules, returnWhenQueueFull: false };
    expect(decideEscrow(note(1, 500), lax, { queueFull: true, balance: 0 })).toEqual({
      action: 'accept',
    });
  });
});
