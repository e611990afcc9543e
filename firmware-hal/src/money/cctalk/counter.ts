import { CREDIT_BUFFER_EVENTS, type BufferedCredit, type BufferedEvent } from './headers.js';

/**
 * Event-counter reconciliation for a ccTalk coin acceptor (header 229), as a pure function.
 *
 * The acceptor numbers its events 1, 2, ... 255, 1, 2, ... (0 only at power-up or after a
 * reset, never again after the first event) and keeps the last five. The host persists the
 * last counter it applied IN THE SAME TRANSACTION as the credits, and on every reply applies
 * exactly the events between that counter and the reply's. That is what makes a restart, a
 * missed poll or a duplicate reply neither lose nor double a coin (DESIGN.md).
 */

/** One event to apply, with the counter value the device gave it (1-255). */
export type CounterEvent =
  | {
      readonly kind: 'credit';
      readonly counter: number;
      readonly position: number;
      readonly sorterPath: number;
    }
  | { readonly kind: 'error'; readonly counter: number; readonly code: number };

export type Reconciliation =
  /** Same counter as last time: a duplicate reply or nothing happened. */
  | { readonly kind: 'unchanged'; readonly counter: number }
  /** 1-5 new events, oldest first. Apply them and persist `counter` in one transaction. */
  | { readonly kind: 'events'; readonly counter: number; readonly events: readonly CounterEvent[] }
  /** Counter 0 after a non-zero one: the device powered up or was reset. No credit. */
  | { readonly kind: 'reset'; readonly counter: 0 }
  /**
   * First contact (nothing persisted): the counter is adopted and nothing is credited, since
   * the buffered events may predate this box or have wrapped. `buffered` says how many the
   * buffer showed. Drivers read this baseline with the master inhibit still on, so no coin
   * can be taken before it.
   */
  | { readonly kind: 'baseline'; readonly counter: number; readonly buffered: number }
  /**
   * The LOSS ALARM. Nothing is credited. `overflow`: more than five events since the
   * persisted counter, `lost` of them no longer in the buffer. `inconsistent`: the buffer does
   * not continue the one persisted with the counter, so the device was reset unseen (or the
   * reply is corrupt) and the number lost is unknown (`lost` null). `unverified` = the events
   * the delta points at, oldest first, for the operator's log. Persist the new state with the
   * alarm so polling resumes.
   */
  | {
      readonly kind: 'alarm';
      readonly reason: 'overflow' | 'inconsistent';
      readonly counter: number;
      readonly lost: number | null;
      readonly unverified: readonly CounterEvent[];
    };

/** Why a reply or a persisted counter cannot be reconciled at all (a bug or a bad parse). */
export class CounterInputError extends Error {
  override readonly name = 'CounterInputError';
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 255;
}

/** The counter value after `n`: 1-255, wrapping 255 -> 1 (0 is never reused). */
export function nextCounter(n: number): number {
  return (n % 255) + 1;
}

/**
 * Events between `from` and `to` counting forward across the wrap. From 0 (fresh device) the
 * distance is `to` itself; between non-zero counters it is taken modulo 255.
 */
export function counterDelta(from: number, to: number): number {
  if (from === 0) return to;
  return to >= from ? to - from : to - from + 255;
}

/**
 * Reconciles one 229 reply against the last persisted counter (`null` at first contact).
 *
 * Decision on more than five missed events: credit NOTHING and raise the alarm. The five
 * buffered events are real, but an apparent jump of more than five is also what a corrupted
 * or stale counter looks like (a simple checksum misses some two-byte errors), and then those
 * five were credited already: crediting them would double money. DESIGN.md says an alarm,
 * never a guess; the operator settles it from the logged `unverified` events.
 *
 * Pass the whole last applied reply (counter and buffer) as `previous` whenever it was
 * persisted: then a reset the host never saw (counter 0 missed, the device counted up again)
 * is caught by the buffer-continuity check below. With a bare counter that check is skipped.
 * Limitation (the protocol's): a reset refilled with events identical to the shifted old
 * buffer, or more than five post-reset events that land within five of the old counter, is
 * indistinguishable from normal traffic; events before an unseen reset are gone with the
 * device's buffer. Both need a reset plus coins inside one missed-poll window.
 *
 * Throws `CounterInputError` only when the inputs are not a counter and a five-event reply.
 */
export function reconcile(
  previous: number | BufferedCredit | null,
  reply: BufferedCredit,
): Reconciliation {
  const last = typeof previous === 'object' && previous !== null ? previous.counter : previous;
  const before = typeof previous === 'object' && previous !== null ? previous.events : null;
  if (last !== null && !isByte(last)) throw new CounterInputError(`bad persisted counter ${last}`);
  if (before !== null && before.length !== CREDIT_BUFFER_EVENTS) {
    throw new CounterInputError('a persisted 229 reply has five events');
  }
  if (!isByte(reply.counter) || reply.events.length !== CREDIT_BUFFER_EVENTS) {
    throw new CounterInputError('a 229 reply has a counter byte and five events');
  }
  const counter = reply.counter;
  if (last === null) {
    return { kind: 'baseline', counter, buffered: Math.min(counter, CREDIT_BUFFER_EVENTS) };
  }
  if (counter === 0) {
    return last === 0 ? { kind: 'unchanged', counter } : { kind: 'reset', counter: 0 };
  }
  const delta = counterDelta(last, counter);
  const known = Math.min(delta, CREDIT_BUFFER_EVENTS);
  // The buffer is newest first: slot 0 holds event `counter`, slot k event `counter - k`.
  const events: CounterEvent[] = [];
  for (let k = known - 1; k >= 0; k -= 1) {
    const { a, b } = reply.events[k] ?? { a: 0, b: 0 };
    const n = wrapBack(counter, k);
    events.push(
      a !== 0
        ? { kind: 'credit', counter: n, position: a, sorterPath: b }
        : { kind: 'error', counter: n, code: b },
    );
  }
  if (delta > CREDIT_BUFFER_EVENTS) {
    const lost = delta - CREDIT_BUFFER_EVENTS;
    return { kind: 'alarm', reason: 'overflow', counter, lost, unverified: events };
  }
  if (before !== null && !continues(before, reply.events, delta)) {
    return { kind: 'alarm', reason: 'inconsistent', counter, lost: null, unverified: events };
  }
  return delta === 0 ? { kind: 'unchanged', counter } : { kind: 'events', counter, events };
}

/**
 * The buffer shifts by one slot per event, so after `delta` new events the older slots must
 * repeat the persisted buffer. When they do not, the device was reset between the two
 * replies (it clears its buffer) and counted back up to a value that merely looks like a
 * small delta, e.g. counter 1, reset, one coin: counter 1 again. Only an identical refill
 * (same positions and paths) escapes this check.
 */
function continues(
  before: readonly BufferedEvent[],
  after: readonly BufferedEvent[],
  delta: number,
): boolean {
  for (let i = 0; i + delta < CREDIT_BUFFER_EVENTS; i += 1) {
    const old = before[i];
    const now = after[i + delta];
    if (old?.a !== now?.a || old?.b !== now?.b) return false;
  }
  return true;
}

function wrapBack(counter: number, k: number): number {
  return ((counter - 1 - k + 255 * 2) % 255) + 1;
}
