/**
 * POLL reply events of a note validator. A reply is OK followed by zero or more events, each
 * an event code and, for some codes, one channel byte. Which codes carry a channel is fixed
 * by the protocol, so an unknown code makes the rest of the reply unreadable: it is reported
 * with the bytes left, never guessed at.
 *
 * Money: only CREDIT NOTE gives credit. READ NOTE with a channel means a note is in escrow
 * (it can still be returned); STACKED follows CREDIT NOTE and must not count again.
 */
export const EsspEvent = {
  SLAVE_RESET: 0xf1,
  READ_NOTE: 0xef,
  CREDIT_NOTE: 0xee,
  REJECTING: 0xed,
  REJECTED: 0xec,
  STACKING: 0xcc,
  STACKED: 0xeb,
  SAFE_JAM: 0xea,
  UNSAFE_JAM: 0xe9,
  DISABLED: 0xe8,
  STACKER_FULL: 0xe7,
  FRAUD_ATTEMPT: 0xe6,
  CASHBOX_REPLACED: 0xe4,
  CASHBOX_REMOVED: 0xe3,
  NOTE_CLEARED_INTO_CASHBOX: 0xe2,
  NOTE_CLEARED_FROM_FRONT: 0xe1,
  CHANNEL_DISABLE: 0xb5,
} as const;

/** Events without data. */
export type EsspSimpleEvent =
  | 'slave-reset'
  | 'rejecting'
  | 'rejected'
  | 'stacking'
  | 'stacked'
  | 'safe-jam'
  | 'unsafe-jam'
  | 'disabled'
  | 'stacker-full'
  | 'cashbox-replaced'
  | 'cashbox-removed'
  | 'channel-disable';

/** Events followed by one channel byte (0 where the device does not know the channel). */
export type EsspChannelEvent =
  | 'read-note'
  | 'credit-note'
  | 'fraud-attempt'
  | 'note-cleared-into-cashbox'
  | 'note-cleared-from-front';

export type EsspPollEvent =
  | { readonly type: EsspSimpleEvent }
  /** For read-note, channel 0 means "still reading"; above 0 the note waits in escrow. */
  | { readonly type: EsspChannelEvent; readonly channel: number }
  /** An event code this parser does not know; `rest` holds it and every byte after it. */
  | { readonly type: 'unknown'; readonly code: number; readonly rest: Uint8Array }
  /** A channel event at the end of the reply without its channel byte. */
  | { readonly type: 'truncated'; readonly code: number };

const SIMPLE = new Map<number, EsspSimpleEvent>([
  [EsspEvent.SLAVE_RESET, 'slave-reset'],
  [EsspEvent.REJECTING, 'rejecting'],
  [EsspEvent.REJECTED, 'rejected'],
  [EsspEvent.STACKING, 'stacking'],
  [EsspEvent.STACKED, 'stacked'],
  [EsspEvent.SAFE_JAM, 'safe-jam'],
  [EsspEvent.UNSAFE_JAM, 'unsafe-jam'],
  [EsspEvent.DISABLED, 'disabled'],
  [EsspEvent.STACKER_FULL, 'stacker-full'],
  [EsspEvent.CASHBOX_REPLACED, 'cashbox-replaced'],
  [EsspEvent.CASHBOX_REMOVED, 'cashbox-removed'],
  [EsspEvent.CHANNEL_DISABLE, 'channel-disable'],
]);

const WITH_CHANNEL = new Map<number, EsspChannelEvent>([
  [EsspEvent.READ_NOTE, 'read-note'],
  [EsspEvent.CREDIT_NOTE, 'credit-note'],
  [EsspEvent.FRAUD_ATTEMPT, 'fraud-attempt'],
  [EsspEvent.NOTE_CLEARED_INTO_CASHBOX, 'note-cleared-into-cashbox'],
  [EsspEvent.NOTE_CLEARED_FROM_FRONT, 'note-cleared-from-front'],
]);

/** Parses the body (after the OK byte) of a POLL reply into events, in device order. */
export function parsePollEvents(body: Uint8Array): EsspPollEvent[] {
  const events: EsspPollEvent[] = [];
  let i = 0;
  while (i < body.length) {
    const code = body[i] as number;
    const simple = SIMPLE.get(code);
    if (simple !== undefined) {
      events.push({ type: simple });
      i += 1;
      continue;
    }
    const withChannel = WITH_CHANNEL.get(code);
    if (withChannel === undefined) {
      events.push({ type: 'unknown', code, rest: body.slice(i) });
      break;
    }
    const channel = body[i + 1];
    if (channel === undefined) {
      events.push({ type: 'truncated', code });
      break;
    }
    events.push({ type: withChannel, channel });
    i += 2;
  }
  return events;
}

/** Encodes events back to a POLL reply body (for the simulator and tests). */
export function encodePollEvents(events: readonly EsspPollEvent[]): Uint8Array {
  const out: number[] = [];
  const codeOf = new Map<string, number>([
    ...[...SIMPLE].map(([code, type]): [string, number] => [type, code]),
    ...[...WITH_CHANNEL].map(([code, type]): [string, number] => [type, code]),
  ]);
  for (const event of events) {
    if (event.type === 'unknown') out.push(...event.rest);
    else if (event.type === 'truncated') out.push(event.code);
    else {
      out.push(codeOf.get(event.type) as number);
      if ('channel' in event) out.push(event.channel);
    }
  }
  return Uint8Array.from(out);
}
