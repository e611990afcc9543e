/** Kinds of ledger rows. `adjust` is reserved for signed operator corrections. */
export type LedgerKind = 'credit' | 'spend' | 'refund' | 'free' | 'adjust';

/** One ledger row as stored (and later uploaded to the server). Rows never change. */
export interface LedgerEntry {
  /** Per-box sequence number, never reused. */
  seq: number;
  at: string;
  kind: LedgerKind;
  /** Signed change of the balance (negative for spends), bonus included. */
  credits: number;
  /** Part of `credits` granted as a note bonus. */
  bonus: number;
  balanceAfter: number;
  /** Money in (minor units), device credits only. */
  valueCents: number | null;
  device: string | null;
  deviceEventId: string | null;
  denomination: string | null;
  reason: string | null;
  staff: string | null;
  ref: string | null;
}

/** A coin or note reported accepted by an acceptor. */
export interface DeviceCredit {
  /** Configured acceptor name (e.g. "coin"), stable across restarts. */
  device: string;
  /**
   * Identity of this event on that device, stable across replays: the driver derives it from
   * what the device reports (serial, counter epoch, counter), so a re-read event has the same id.
   */
  deviceEventId: string;
  /** Value in minor units of the configured currency. */
  valueCents: number;
  /** Label of the coin or note as the device knows it (e.g. "US025A", "USD 5"). */
  denomination: string;
  /** The device's event counter after this event, stored in the same transaction. */
  counter?: DeviceCounterInput;
}

export interface DeviceCounterInput {
  serial: string;
  value: number;
}

/** Last event counter persisted for an acceptor. */
export interface DeviceCounter {
  device: string;
  serial: string;
  counter: number;
  updatedAt: string;
}

/** What `creditFromDevice` did: credited now, or recognised a replay and changed nothing. */
export type CreditOutcome =
  | { status: 'credited'; entry: LedgerEntry }
  | { status: 'duplicate'; seq: number; balance: number };

/** Money taken per denomination. */
export interface DenominationTotal {
  denomination: string;
  valueCents: number;
  count: number;
  totalCents: number;
  credits: number;
}

export interface Collection {
  id: number;
  at: string;
  staff: string;
  /** Highest ledger seq this collection covered. */
  throughSeq: number;
}

/** Money in the cash box: device credits after the last collection. */
export interface MoneyTotals {
  /** The collection these totals run from; null before the first one. */
  since: Collection | null;
  byDenomination: DenominationTotal[];
  totalCents: number;
  count: number;
}
