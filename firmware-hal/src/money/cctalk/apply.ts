import type { Denomination, MoneyEvent } from '../types.js';
import { encodeCheckpoint, stateAfter, wrapped, type CcTalkCheckpoint } from './checkpoint.js';
import { reconcile, type CounterEvent } from './counter.js';
import { coinError } from './errors.js';
import type { BufferedCredit } from './headers.js';

/** What one 229 reply means for the host: the events to emit and the state to keep. */
export interface Applied {
  /** The state after the reply (unchanged when nothing happened). */
  readonly state: CcTalkCheckpoint | null;
  /** Money events in device order, each credit with the checkpoint right after it. */
  readonly events: readonly MoneyEvent[];
  /** The unit powered up or was reset: identify it again and restore its inhibits. */
  readonly reset: boolean;
  /** Lines for the operator's log (alarms, unconfigured positions). */
  readonly log: readonly string[];
}

/** Context the driver knows: the device id, its coin table and whether money is enabled. */
export interface ApplyContext {
  readonly device: string;
  readonly denominations: readonly Denomination[];
  readonly masterInhibited: boolean;
  /** Epoch for a first baseline; the driver passes Date.now(). */
  readonly baselineEpoch: number;
}

/**
 * Turns a 229 reply into money events via `reconcile()`. Pure: the driver emits what comes
 * back and keeps `state`. Epochs move on at every wrap, reset and alarm, so that
 * "<epoch>:<counter>" never names two coins.
 */
export function applyReply(
  previous: CcTalkCheckpoint | null,
  reply: BufferedCredit,
  ctx: ApplyContext,
): Applied {
  const { device } = ctx;
  const result = reconcile(previous?.reply ?? null, reply);
  const next = (epoch: number): CcTalkCheckpoint => ({ epoch, reply });
  switch (result.kind) {
    case 'unchanged':
      return { state: previous, events: [], reset: false, log: [] };
    case 'baseline': {
      const state = next(ctx.baselineEpoch);
      const checkpoint = encodeCheckpoint(state);
      const status = ctx.masterInhibited ? 'disabled' : 'ready';
      const events: MoneyEvent[] = [
        { type: 'status', device, state: status, detail: 'baseline', checkpoint },
      ];
      return { state, events, reset: false, log: [] };
    }
    case 'reset': {
      const state = next((previous?.epoch ?? 0) + 1);
      const checkpoint = encodeCheckpoint(state);
      const events: MoneyEvent[] = [{ type: 'status', device, state: 'reset', checkpoint }];
      return { state, events, reset: true, log: [] };
    }
    case 'alarm': {
      const state = next((previous?.epoch ?? 0) + 1);
      const detail =
        `${result.reason}: counter ${previous?.reply.counter} -> ${result.counter}, ` +
        `unverified ${JSON.stringify(result.unverified)}`;
      const events: MoneyEvent[] = [
        {
          type: 'fault',
          device,
          reason: 'events-lost',
          fatal: false,
          detail,
          checkpoint: encodeCheckpoint(state),
          ...(result.lost !== null ? { lost: result.lost } : {}),
        },
      ];
      return { state, events, reset: false, log: [`EVENTS LOST ${detail}`] };
    }
    case 'events':
      // reconcile() answers 'baseline' when there is no previous state.
      if (previous === null) return { state: null, events: [], reset: false, log: [] };
      return applyEvents(previous, reply, result.events, ctx);
  }
}

function applyEvents(
  previous: CcTalkCheckpoint,
  reply: BufferedCredit,
  counted: readonly CounterEvent[],
  ctx: ApplyContext,
): Applied {
  const { device } = ctx;
  const events: MoneyEvent[] = [];
  const log: string[] = [];
  let epoch = previous.epoch;
  let counter = previous.reply.counter;
  let state = previous;
  counted.forEach((event, index) => {
    if (wrapped(counter, event)) epoch += 1;
    counter = event.counter;
    state = { epoch, reply: stateAfter(previous.reply, reply, counted.length, index) };
    const checkpoint = encodeCheckpoint(state);
    if (event.kind === 'credit') {
      const coin = ctx.denominations.find((d) => d.position === event.position);
      if (coin === undefined) {
        // The unit took a coin we have no value for (it should have been inhibited).
        const detail = `coin at unconfigured position ${event.position}`;
        log.push(`${detail}: no credit`);
        events.push({
          type: 'fault',
          device,
          reason: 'protocol',
          fatal: false,
          detail,
          checkpoint,
        });
        return;
      }
      events.push({
        type: 'credit',
        device,
        deviceEventId: `${epoch}:${event.counter}`,
        valueCents: coin.valueCents,
        position: coin.position,
        checkpoint,
        ...(coin.currency ? { currency: coin.currency } : {}),
      });
      return;
    }
    const info = coinError(event.code);
    if (info.event === 'reject') {
      const { rejectReason: reason, code, reason: detail } = info;
      events.push({ type: 'reject', device, reason, code, detail, checkpoint });
    } else if (info.event === 'fault') {
      const { faultReason: reason, fatal, code, reason: detail } = info;
      events.push({ type: 'fault', device, reason, fatal, code, detail, checkpoint });
    }
  });
  return { state, events, reset: false, log };
}
