import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  counterDelta,
  CounterInputError,
  nextCounter,
  reconcile,
  type Reconciliation,
} from './counter.js';
import type { BufferedCredit, BufferedEvent } from './headers.js';

const empty: BufferedEvent = { a: 0, b: 0 };
const reply = (counter: number, ...newestFirst: BufferedEvent[]): BufferedCredit => ({
  counter,
  events: [...newestFirst, empty, empty, empty, empty, empty].slice(0, 5),
});

describe('reconcile (examples)', () => {
  it('adopts the counter at first contact and credits nothing', () => {
    expect(reconcile(null, reply(0))).toEqual({ kind: 'baseline', counter: 0, buffered: 0 });
    expect(reconcile(null, reply(9, { a: 1, b: 1 }))).toEqual({
      kind: 'baseline',
      counter: 9,
      buffered: 5,
    });
  });

  it('applies 1-5 new events oldest first, with their device counters', () => {
    const r = reconcile(4, reply(6, { a: 3, b: 1 }, { a: 0, b: 2 }, { a: 9, b: 9 }));
    expect(r).toEqual({
      kind: 'events',
      counter: 6,
      events: [
        { kind: 'error', counter: 5, code: 2 },
        { kind: 'credit', counter: 6, position: 3, sorterPath: 1 },
      ],
    });
  });

  it('counts across the wrap 255 -> 1, never through 0', () => {
    expect(nextCounter(255)).toBe(1);
    expect(nextCounter(0)).toBe(1);
    expect(counterDelta(254, 2)).toBe(3);
    const r = reconcile(254, reply(2, { a: 1, b: 1 }, { a: 2, b: 1 }, { a: 3, b: 1 }));
    expect(r.kind === 'events' && r.events.map((e) => e.counter)).toEqual([255, 1, 2]);
  });

  it('treats the same counter as a duplicate and counter 0 as a reset', () => {
    expect(reconcile(17, reply(17, { a: 1, b: 1 }))).toEqual({ kind: 'unchanged', counter: 17 });
    expect(reconcile(17, reply(0))).toEqual({ kind: 'reset', counter: 0 });
    expect(reconcile(0, reply(0))).toEqual({ kind: 'unchanged', counter: 0 });
  });

  it('raises the loss alarm above five events and credits nothing', () => {
    const r = reconcile(250, reply(3, { a: 1, b: 1 }));
    expect(r).toMatchObject({ kind: 'alarm', reason: 'overflow', counter: 3, lost: 3 });
    expect(r.kind === 'alarm' && r.unverified.map((e) => e.counter)).toEqual([254, 255, 1, 2, 3]);
  });

  it('catches a reset it never saw through the buffer, given the last reply', () => {
    const before = reply(1, { a: 4, b: 1 });
    // Reset (buffer cleared), then one coin at another position: counter 1 again.
    const after = reply(1, { a: 7, b: 1 });
    expect(reconcile(1, after)).toEqual({ kind: 'unchanged', counter: 1 });
    expect(reconcile(before, after)).toMatchObject({
      kind: 'alarm',
      reason: 'inconsistent',
      lost: null,
    });
    // Reset, then three coins: counter 3 looks like two new events after counter 1.
    const three = reply(3, { a: 1, b: 1 }, { a: 2, b: 1 }, { a: 3, b: 1 });
    expect(reconcile(before, three)).toMatchObject({ kind: 'alarm', reason: 'inconsistent' });
    // A real continuation passes.
    const next = reply(2, { a: 5, b: 1 }, { a: 4, b: 1 });
    expect(reconcile(before, next)).toMatchObject({ kind: 'events', counter: 2 });
  });

  it('refuses inputs that are not a counter and five events', () => {
    expect(() => reconcile(256, reply(1))).toThrow(CounterInputError);
    expect(() => reconcile(1, { counter: 2, events: [] })).toThrow(CounterInputError);
  });
});

// A model coin acceptor: a counter and a five-event buffer, as the ccTalk spec describes.
type Op =
  | { readonly t: 'insert'; readonly position: number }
  | { readonly t: 'reject'; readonly code: number }
  | { readonly t: 'poll' }
  | { readonly t: 'drop' }
  | { readonly t: 'dup' }
  | { readonly t: 'reset' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: 1, max: 16 })
      .map((position) => ({ t: 'insert', position }) as const),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 40 }).map((code) => ({ t: 'reject', code }) as const),
  },
  { weight: 4, arbitrary: fc.constant({ t: 'poll' } as const) },
  { weight: 2, arbitrary: fc.constant({ t: 'drop' } as const) },
  { weight: 1, arbitrary: fc.constant({ t: 'dup' } as const) },
  { weight: 1, arbitrary: fc.constant({ t: 'reset' } as const) },
);

interface ModelEvent {
  readonly counter: number;
  readonly position: number | null;
}

class ModelAcceptor {
  counter: number;
  buffer: BufferedEvent[];
  constructor(counter: number, buffer: BufferedEvent[]) {
    this.counter = counter;
    this.buffer = buffer;
  }
  record(event: BufferedEvent): number {
    this.counter = nextCounter(this.counter);
    this.buffer = [event, ...this.buffer].slice(0, 5);
    return this.counter;
  }
  reset(): void {
    this.counter = 0;
    this.buffer = [empty, empty, empty, empty, empty];
  }
  reply(): BufferedCredit {
    return { counter: this.counter, events: this.buffer };
  }
}

interface Window {
  events: ModelEvent[];
  reset: boolean;
}

function credits(r: Reconciliation): number[] {
  return r.kind === 'events'
    ? r.events.flatMap((e) => (e.kind === 'credit' ? [e.position] : []))
    : [];
}

describe('reconcile against a model coin acceptor', () => {
  it('credits exactly the coins inserted, or alarms exactly when more than 5 were missed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.record({ a: fc.integer({ min: 0, max: 16 }), b: fc.nat(255) }), {
          minLength: 5,
          maxLength: 5,
        }),
        fc.array(opArb, { maxLength: 120 }),
        (start, startBuffer, ops) => {
          const device = new ModelAcceptor(
            start,
            start === 0 ? reply(0).events.slice() : startBuffer,
          );
          // Open: the driver reads a baseline with the master inhibit on, before any coin.
          const first = reconcile(null, device.reply());
          expect(first).toMatchObject({ kind: 'baseline', counter: start });
          let lastReceived = device.reply();
          let last: BufferedCredit = lastReceived;
          let window: Window = { events: [], reset: false };
          let inserted = 0;
          let credited = 0;
          let lostInAlarms = 0;
          let uncertain = 0;

          for (const op of ops) {
            if (op.t === 'insert') {
              const counter = device.record({ a: op.position, b: 1 });
              window.events.push({ counter, position: op.position });
              inserted += 1;
              continue;
            }
            if (op.t === 'reject') {
              const counter = device.record({ a: 0, b: op.code });
              window.events.push({ counter, position: null });
              continue;
            }
            if (op.t === 'reset') {
              device.reset();
              // Events the host never saw before a reset are gone with the buffer.
              uncertain += window.events.filter((e) => e.position !== null).length;
              window = { events: [], reset: true };
              continue;
            }
            if (op.t === 'drop') continue; // the device answered; the host never got it
            const received = op.t === 'dup' ? lastReceived : device.reply();
            const result = reconcile(last, received);
            const got = credits(result);
            credited += got.length;
            if (op.t === 'dup') {
              expect(result).toEqual({ kind: 'unchanged', counter: last.counter });
              continue;
            }
            const coins = window.events.flatMap((e) => (e.position === null ? [] : [e.position]));
            if (!window.reset) {
              const missed = window.events.length;
              expect(result.kind === 'alarm').toBe(missed > 5);
              if (result.kind === 'alarm') {
                expect(result.lost).toBe(missed - 5);
                expect(got).toEqual([]);
                lostInAlarms += coins.length;
              } else {
                expect(got).toEqual(coins);
                if (result.kind === 'events') {
                  expect(result.events.map((e) => e.counter)).toEqual(
                    window.events.map((e) => e.counter),
                  );
                }
              }
            } else if (window.events.length === 0) {
              expect(got).toEqual([]);
              expect(['reset', 'unchanged']).toContain(result.kind);
            } else if (result.kind === 'alarm') {
              lostInAlarms += coins.length;
            } else {
              // A reset the host never saw, then new events. The buffer check catches nearly
              // all of these; what it cannot see (an identical refill) may under-credit, and
              // never credits a coin that did not come: the credits are the newest coins.
              expect(coins.slice(coins.length - got.length)).toEqual(got);
              uncertain += coins.length - got.length;
            }
            last = received;
            lastReceived = received;
            window = { events: [], reset: false };
          }
          // Never a coin credited twice or out of thin air; every coin accounted for.
          const unread = window.events.filter((e) => e.position !== null).length;
          expect(credited).toBe(inserted - lostInAlarms - uncertain - unread);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('credits every coin exactly once when no more than 5 events fall between replies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.array(
          fc.tuple(fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 5 }), fc.boolean()),
          {
            maxLength: 80,
          },
        ),
        (start, rounds) => {
          const device = new ModelAcceptor(start, reply(0).events.slice());
          expect(reconcile(null, device.reply()).kind).toBe('baseline');
          let last: BufferedCredit = device.reply();
          const inserted: number[] = [];
          const credited: number[] = [];
          let pending = 0;
          for (const [coins, duplicate] of rounds) {
            // Keep at most five events between two received replies, the buffer's size.
            const room = 5 - pending;
            for (const position of coins.slice(0, room)) {
              device.record({ a: position, b: 1 });
              inserted.push(position);
              pending += 1;
            }
            const replies = duplicate ? [device.reply(), device.reply()] : [device.reply()];
            for (const r of replies) {
              const result = reconcile(last, r);
              expect(result.kind).not.toBe('alarm');
              credited.push(...credits(result));
              last = r;
            }
            pending = 0;
          }
          expect(credited).toEqual(inserted);
        },
      ),
      { numRuns: 300 },
    );
  });
});
