import { nextCounter, type CounterEvent } from './counter.js';
import { CREDIT_BUFFER_EVENTS, type BufferedCredit, type BufferedEvent } from './headers.js';

/**
 * The ccTalk driver's checkpoint: the last applied 229 reply (counter and five-event buffer)
 * and an epoch. The counter repeats (it wraps 255 -> 1 and restarts at 0 on a reset), so the
 * event id of a coin is "<epoch>:<counter>", and the epoch moves on at every wrap, reset and
 * alarm. The ledger stores the string as is, with the credit, in one transaction.
 */
export interface CcTalkCheckpoint {
  readonly epoch: number;
  readonly reply: BufferedCredit;
}

/** Serialises a checkpoint (compact JSON, versioned). */
export function encodeCheckpoint(checkpoint: CcTalkCheckpoint): string {
  return JSON.stringify({
    v: 1,
    epoch: checkpoint.epoch,
    counter: checkpoint.reply.counter,
    events: checkpoint.reply.events.map((e) => [e.a, e.b]),
  });
}

const isByte = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 255;

/** Parses a stored checkpoint; `null` when it is missing or not one of ours. Never throws. */
export function decodeCheckpoint(text: string | null): CcTalkCheckpoint | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { v, epoch, counter, events } = value as Record<string, unknown>;
  if (v !== 1 || typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || !isByte(counter)) {
    return null;
  }
  if (!Array.isArray(events) || events.length !== CREDIT_BUFFER_EVENTS) return null;
  const parsed: BufferedEvent[] = [];
  for (const pair of events as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isByte(pair[0]) || !isByte(pair[1])) {
      return null;
    }
    parsed.push({ a: pair[0], b: pair[1] });
  }
  return { epoch, reply: { counter, events: parsed } };
}

/**
 * The device state right after `event`, one of the `delta` events that lead from `previous`
 * to `reply` (`index` 0 = oldest). Each credit carries this intermediate state, so that a
 * crash between two credits of one reply resumes after the first and credits the second once.
 * The slots newer than the reply's window are the reply's; older ones come from `previous`,
 * which the continuity check in `reconcile()` has already matched.
 */
export function stateAfter(
  previous: BufferedCredit,
  reply: BufferedCredit,
  delta: number,
  index: number,
): BufferedCredit {
  const later = delta - 1 - index;
  const events: BufferedEvent[] = [];
  for (let slot = 0; slot < CREDIT_BUFFER_EVENTS; slot += 1) {
    const fromReply = slot + later;
    events.push(
      fromReply < CREDIT_BUFFER_EVENTS
        ? (reply.events[fromReply] ?? { a: 0, b: 0 })
        : (previous.events[fromReply - delta] ?? { a: 0, b: 0 }),
    );
  }
  let counter = reply.counter;
  for (let i = 0; i < later; i += 1) counter = counter === 1 ? 255 : counter - 1;
  return { counter, events };
}

/** True when applying `event` after counter `before` crossed the 255 -> 1 wrap. */
export function wrapped(before: number, event: CounterEvent): boolean {
  return before !== 0 && event.counter === nextCounter(before) && event.counter < before;
}
