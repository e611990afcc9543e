/**
 * What to do with a note the validator holds in escrow (READ NOTE with a channel above 0).
 *
 * The decision only chooses between accepting (POLL, which lets the note be stacked) and
 * returning it (REJECT). It never gives credit: credit comes ONLY from a later CREDIT NOTE
 * event, once the note is past the point where it can be pulled back. READ NOTE (still in
 * escrow, can be returned or pulled out) and STACKED (follows CREDIT NOTE for the same note)
 * must never be credited, or a note would be counted when it was not taken, or twice.
 */
export interface EscrowNote {
  readonly channel: number;
  /** Value in minor units (cents), from the channel table; undefined if the channel is unknown. */
  readonly value: number | undefined;
  readonly currency: string;
}

/** Operator rules, from the box configuration. */
export interface EscrowRules {
  /** Currency the box sells in; a note in another one is returned. */
  readonly currency: string;
  /** If set, only these values (minor units) are taken. */
  readonly acceptedValues?: readonly number[];
  /** Largest note taken (minor units), e.g. to refuse a 100 in a bar. */
  readonly maxValue?: number;
  /** Channels never to take (e.g. a note series with known forgeries). */
  readonly rejectChannels?: readonly number[];
  /** Return notes while the play queue is full, since the patron could not spend them. */
  readonly returnWhenQueueFull?: boolean;
  /** Return a note that would take the patron's unspent balance above this (minor units). */
  readonly maxBalance?: number;
}

/** The box's state when the note arrives. */
export interface EscrowContext {
  readonly queueFull: boolean;
  /** Unspent money already credited, minor units. */
  readonly balance: number;
}

export type EscrowReturnReason =
  | 'unknown-channel'
  | 'wrong-currency'
  | 'channel-rejected'
  | 'value-not-accepted'
  | 'above-max-value'
  | 'queue-full'
  | 'balance-limit';

export type EscrowDecision =
  | { readonly action: 'accept' }
  | { readonly action: 'return'; readonly reason: EscrowReturnReason };

/** Decides accept or return for an escrowed note. Pure; the first failing rule gives the reason. */
export function decideEscrow(
  note: EscrowNote,
  rules: EscrowRules,
  context: EscrowContext,
): EscrowDecision {
  const back = (reason: EscrowReturnReason): EscrowDecision => ({ action: 'return', reason });
  if (note.value === undefined || note.value <= 0) return back('unknown-channel');
  if (note.currency !== rules.currency) return back('wrong-currency');
  if (rules.rejectChannels?.includes(note.channel)) return back('channel-rejected');
  if (rules.acceptedValues !== undefined && !rules.acceptedValues.includes(note.value)) {
    return back('value-not-accepted');
  }
  if (rules.maxValue !== undefined && note.value > rules.maxValue) return back('above-max-value');
  if (rules.returnWhenQueueFull === true && context.queueFull) return back('queue-full');
  if (rules.maxBalance !== undefined && context.balance + note.value > rules.maxBalance) {
    return back('balance-limit');
  }
  return { action: 'accept' };
}
