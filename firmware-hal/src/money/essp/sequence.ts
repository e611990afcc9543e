/**
 * The SSP sequence bit (bit 7 of SEQ/ID). The slave compares each packet's bit with the last
 * one it acted on: a different bit is a new command, the same bit is a retry, and it answers
 * a retry by resending its last reply without acting again. That is what makes retrying a
 * lost reply to REJECT or POLL (which accepts an escrowed note) safe. SYNC is always sent with
 * the bit set and makes the slave expect 0 next.
 *
 * The slave echoes the bit in its reply, so the host can drop a reply that belongs to an
 * earlier command.
 */
export type SeqBit = 0 | 1;

/** Host-side state: the bit of the last command sent. */
export interface HostSeqState {
  readonly last: SeqBit;
}

/** Before the first SYNC; the host must SYNC before anything else. */
export const initialHostSeq: HostSeqState = { last: 1 };

export type SeqSend = 'new' | 'retry' | 'sync';

/** Bit to send for a command of the given kind, and the state after sending it. */
export function nextSeq(state: HostSeqState, kind: SeqSend): { bit: SeqBit; state: HostSeqState } {
  const bit: SeqBit =
    kind === 'sync' ? 1 : kind === 'retry' ? state.last : state.last === 1 ? 0 : 1;
  return { bit, state: { last: bit } };
}

/** Whether a reply with this bit answers the last command sent (not a stale one). */
export function replyMatches(state: HostSeqState, replyBit: SeqBit): boolean {
  return replyBit === state.last;
}

/**
 * Slave-side check (for the simulator): `lastActed` is the bit of the last packet acted on,
 * or undefined before any. SYNC is acted on whatever its bit.
 */
export function slaveSeqVerdict(
  lastActed: SeqBit | undefined,
  bit: SeqBit,
  isSync: boolean,
): 'act' | 'repeat-last-reply' {
  if (isSync || lastActed === undefined) return 'act';
  return bit === lastActed ? 'repeat-last-reply' : 'act';
}
