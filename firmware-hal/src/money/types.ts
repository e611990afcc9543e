/**
 * The one money-device interface (issue 3). Coin acceptors (ccTalk), bill validators (eSSP)
 * and, later, pulse mechs all implement `MoneyDevice`; the credit ledger in kiosk-core is
 * written against it and never sees a protocol.
 *
 * Money rules this interface carries (DESIGN.md, "Data that must never be lost"):
 * - Credit comes only from a `credit` event. Nothing else (status, reject, fault) may ever
 *   change a balance.
 * - Each credit has a `deviceEventId` unique for that device, and a `checkpoint`: the ledger
 *   writes the credit and the checkpoint in ONE transaction and hands the last checkpoint back
 *   at `open()`, so a restart, a missed poll or a duplicate reply neither loses nor doubles a
 *   coin.
 * - When a device cannot tell what happened (more events than its buffer holds), it reports a
 *   `fault` with reason `events-lost` and credits nothing it cannot prove: an alarm, never a
 *   guess.
 */

/** Which protocol family a device speaks. */
export type MoneyDeviceKind = 'cctalk' | 'essp' | 'pulse';

/**
 * One accepted denomination: a coin position (ccTalk, 1-16) or a note channel (eSSP, 1-n).
 * Inhibits and credits refer to denominations by `position`.
 */
export interface Denomination {
  /** Coin position or note channel, 1-based as the device numbers it. */
  readonly position: number;
  /** Face value in the currency's minor unit (cents, pence). */
  readonly valueCents: number;
  /** ISO 4217 code when the device reports one ("EUR"); undefined when it does not. */
  readonly currency?: string;
  /** The device's own name for it, e.g. ccTalk coin id "EU200A". */
  readonly label?: string;
}

/** What `open()` learns about the device; the ledger keys persisted state by `id`. */
export interface MoneyDeviceInfo {
  readonly kind: MoneyDeviceKind;
  /**
   * Stable identity of the physical unit: kind, manufacturer and serial number, e.g.
   * "cctalk:CMF:1234567". A different id at the same port means the unit was replaced, so a
   * persisted checkpoint must not be applied to it.
   */
  readonly id: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly serial?: string;
  readonly denominations: readonly Denomination[];
}

/**
 * A value the device proves it took. Emitted once per device event; the ledger must store it
 * together with `checkpoint` in one transaction and ignore a `deviceEventId` it already holds.
 */
export interface CreditEvent {
  readonly type: 'credit';
  /** Device id (`MoneyDeviceInfo.id`). */
  readonly device: string;
  /**
   * Unique per device and per physical event, e.g. "<epoch>:<counter>" for ccTalk. Two credit
   * events with the same id are the same coin.
   */
  readonly deviceEventId: string;
  readonly valueCents: number;
  readonly currency?: string;
  /** Coin position or note channel the value was read from. */
  readonly position: number;
  /**
   * Opaque device state after this event (ccTalk: the last applied 229 reply, counter and
   * five-event buffer, so that `reconcile()` can also catch a reset it never saw). Persist it
   * atomically with the credit and pass the newest one back to `open()`.
   */
  readonly checkpoint: string;
}

/** Stable reasons for a refused coin or note; the UI maps them to words. */
export type RejectReason =
  'rejected' | 'inhibited' | 'unknown-denomination' | 'too-fast' | 'fraud' | 'slug' | 'other';

/** A coin or note the device handed back. Never changes a balance. */
export interface RejectEvent {
  readonly type: 'reject';
  readonly device: string;
  readonly reason: RejectReason;
  /** The protocol's own code (ccTalk error code, eSSP reject code) for the log. */
  readonly code: number;
  /** Protocol-level text for the log, e.g. "coin going backwards". */
  readonly detail?: string;
  /** Opaque device state after this event, as for `CreditEvent.checkpoint`. */
  readonly checkpoint?: string;
}

/** Stable fault reasons. `events-lost` is the money alarm: the ledger must raise it. */
export type FaultReason =
  | 'events-lost'
  | 'jam'
  | 'sensor'
  | 'fraud'
  | 'stacker-full'
  | 'timeout'
  | 'replaced'
  | 'disconnected'
  | 'protocol'
  | 'other';

/** Something is wrong with the device. `fatal`: it takes no money until serviced. */
export interface FaultEvent {
  readonly type: 'fault';
  readonly device: string;
  readonly reason: FaultReason;
  readonly fatal: boolean;
  readonly code?: number;
  readonly detail?: string;
  /** For `events-lost`: how many device events are unaccounted for. */
  readonly lost?: number;
  readonly checkpoint?: string;
}

/** Device states the UI and the status page show. */
export type MoneyDeviceState = 'ready' | 'disabled' | 'busy' | 'reset' | 'offline' | 'out-of-order';

/** A state change. `reset` means the unit powered up or was reset (ccTalk counter 0). */
export interface StatusEvent {
  readonly type: 'status';
  readonly device: string;
  readonly state: MoneyDeviceState;
  readonly detail?: string;
  readonly checkpoint?: string;
}

/**
 * The device's state moved on without money changing hands (eSSP: the validator confirmed
 * EVENT ACK for a credit already stored). Persist `checkpoint`; nothing else changes.
 */
export interface CheckpointEvent {
  readonly type: 'checkpoint';
  readonly device: string;
  readonly checkpoint: string;
  readonly detail?: string;
}

export type MoneyEvent = CreditEvent | RejectEvent | FaultEvent | StatusEvent | CheckpointEvent;

/** What the ledger hands back at `open()`: the checkpoint it last stored for that device. */
export interface MoneyOpenOptions {
  /** Device id the checkpoint belongs to; a mismatch means a replaced unit. */
  readonly device: string | null;
  readonly checkpoint: string | null;
}

/**
 * A coin or note acceptor. Commands resolve when the device acknowledged them and reject
 * with an Error when it did not (no reply, NAK after retries); events arrive through
 * `onEvent` in the order the device reported them.
 */
export interface MoneyDevice {
  readonly kind: MoneyDeviceKind;
  /**
   * Opens the port, identifies the unit and starts polling. Money stays inhibited until
   * `setMasterInhibit(false)`.
   */
  open(resume: MoneyOpenOptions): Promise<MoneyDeviceInfo>;
  /** Stops polling, inhibits the device if it still answers, and releases the port. */
  close(): Promise<void>;
  /** Accepts exactly these positions and inhibits every other one. */
  setEnabledDenominations(positions: readonly number[]): Promise<void>;
  /** `true` refuses all money (master inhibit); `false` accepts the enabled denominations. */
  setMasterInhibit(inhibited: boolean): Promise<void>;
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: MoneyEvent) => void): () => void;
}
