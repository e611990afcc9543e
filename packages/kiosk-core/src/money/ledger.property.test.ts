import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { CreditLedger } from './ledger.js';
import { creditsFor } from './pricing.js';
import { testPricing } from './test-support/ledger-fixture.js';

type Op =
  | { op: 'credit'; device: string; event: number; valueCents: number }
  | { op: 'spend'; credits: number; ref: number }
  | { op: 'refund'; credits: number; ref: number }
  | { op: 'free'; credits: number };

// Few devices and event ids so duplicates are common; 50 cents has no price rule.
const ops: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('credit' as const),
    device: fc.constantFrom('coin', 'note'),
    event: fc.integer({ min: 1, max: 12 }),
    valueCents: fc.constantFrom(25, 50, 100, 500),
  }),
  fc.record({
    op: fc.constant('spend' as const),
    credits: fc.integer({ min: 1, max: 6 }),
    ref: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({
    op: fc.constant('refund' as const),
    credits: fc.integer({ min: 1, max: 4 }),
    ref: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ op: fc.constant('free' as const), credits: fc.integer({ min: 1, max: 3 }) }),
);

describe('CreditLedger property', () => {
  it('balance == sum(ledger) >= 0 and every device event is credited at most once', () => {
    fc.assert(
      fc.property(fc.array(ops, { maxLength: 60 }), (script) => {
        // In-memory SQLite: the same schema, triggers and transactions as on disk, without an
        // fsync per step (durability is covered by the file-backed tests).
        const db = openDatabase(':memory:');
        const ledger = new CreditLedger(db, testPricing);
        // A model of what the ledger must hold: the first value seen per event id wins.
        const credited = new Map<string, number>();
        let expected = 0;
        // Credits spent under each ref and not yet refunded.
        const refundable = new Map<string, number>();
        try {
          for (const step of script) {
            if (step.op === 'credit') {
              const key = `${step.device}/${step.event}`;
              const r = ledger.creditFromDevice({
                device: step.device,
                deviceEventId: String(step.event),
                valueCents: step.valueCents,
                denomination: `V${step.valueCents}`,
              });
              const grant = creditsFor(step.valueCents, testPricing);
              if (!grant.ok) expect(r.ok).toBe(false);
              else if (credited.has(key))
                expect(r).toMatchObject({ ok: true, value: { status: 'duplicate' } });
              else {
                expect(r).toMatchObject({ ok: true, value: { status: 'credited' } });
                credited.set(key, grant.value.credits);
                expected += grant.value.credits;
              }
            } else if (step.op === 'spend') {
              const r = ledger.spend(step.credits, `q${step.ref}`);
              expect(r.ok).toBe(expected >= step.credits);
              if (r.ok) {
                expected -= step.credits;
                const ref = `q${step.ref}`;
                refundable.set(ref, (refundable.get(ref) ?? 0) + step.credits);
              }
            } else if (step.op === 'refund') {
              const ref = `q${step.ref}`;
              const left = refundable.get(ref) ?? 0;
              const r = ledger.refund(step.credits, 'test', ref);
              expect(r.ok).toBe(step.credits <= left);
              if (r.ok) {
                expected += step.credits;
                refundable.set(ref, left - step.credits);
              }
            } else {
              expect(ledger.freeCredits(step.credits, 'test', 'staff').ok).toBe(true);
              expected += step.credits;
            }
            const { balance, sum, consistent } = ledger.audit();
            expect(consistent).toBe(true);
            expect(balance).toBe(sum);
            expect(balance).toBe(expected);
            expect(balance).toBeGreaterThanOrEqual(0);
          }
          const perEvent = db
            .prepare<[], { n: number }>(
              `SELECT count(*) AS n FROM ledger WHERE kind = 'credit' GROUP BY device, device_event_id`,
            )
            .all();
          expect(perEvent.every((r) => r.n === 1)).toBe(true);
          expect(perEvent.length).toBe(credited.size);
          // Refunds never exceed what was spent under their ref.
          const refs = db
            .prepare<[], { spent: number; refunded: number }>(
              `SELECT -coalesce(sum(credits) FILTER (WHERE kind = 'spend'), 0) AS spent,
                 coalesce(sum(credits) FILTER (WHERE kind = 'refund'), 0) AS refunded
               FROM ledger WHERE ref IS NOT NULL GROUP BY ref`,
            )
            .all();
          expect(refs.every((r) => r.refunded <= r.spent)).toBe(true);
        } finally {
          db.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
