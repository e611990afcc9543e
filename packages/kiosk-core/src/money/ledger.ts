import { cachedStatement, type Db } from '../db/index.js';
import { collectionTotals, lastCollection } from './totals.js';
import { creditsFor, type Pricing } from './pricing.js';
import { refused, type LedgerResult } from './result.js';
import type {
  Collection,
  CreditOutcome,
  DeviceCounter,
  DeviceCounterInput,
  DeviceCredit,
  LedgerEntry,
  LedgerKind,
  MoneyTotals,
} from './types.js';

const entryColumns = `seq, at, kind, credits, bonus, balance_after AS balanceAfter,
  value_cents AS valueCents, device, device_event_id AS deviceEventId, denomination, reason,
  staff, ref`;

interface NewRow {
  kind: LedgerKind;
  credits: number;
  bonus?: number;
  valueCents?: number;
  device?: string;
  deviceEventId?: string;
  denomination?: string;
  reason?: string;
  staff?: string;
  ref?: string;
}

export interface CreditLedgerOptions {
  /** Clock for row timestamps (tests pin it). */
  now?: () => Date;
}

/**
 * The box's credit ledger (migration 0002). Every change of credit is an append-only row
 * with a running balance that a trigger proves against the previous row. All writes run in
 * `BEGIN IMMEDIATE` transactions: the read of the balance and the insert that depends on it
 * cannot interleave with another connection's write. With synchronous=FULL a granted credit
 * is on disk when the call returns.
 *
 * Refusals (short balance, unpriced value, missing reason) come back as results and change
 * nothing; a database failure throws and, the transaction being rolled back, changes nothing
 * either.
 */
export class CreditLedger {
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly pricing: Pick<Pricing, 'table'>,
    options: CreditLedgerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Grants the credits one accepted coin or note earns, exactly once per
   * (device, deviceEventId): a replay of the same event is a no-op answering `duplicate`.
   * The device's event counter, when given, is written in the same transaction, so after a
   * power cut the persisted counter and the ledger agree: either both saw the event or
   * neither did, and the driver's reconciliation neither drops nor repeats it.
   */
  creditFromDevice(event: DeviceCredit): LedgerResult<CreditOutcome> {
    const grant = creditsFor(event.valueCents, this.pricing);
    if (!grant.ok) return grant;
    if (event.counter && !validCounter(event.counter)) {
      return refused('invalid_amount', `device counter ${event.counter.value} is not valid`);
    }
    return this.write((): LedgerResult<CreditOutcome> => {
      const seen = cachedStatement<[string, string], { seq: number }>(
        this.db,
        'SELECT seq FROM ledger WHERE device = ? AND device_event_id = ?',
      ).get(event.device, event.deviceEventId);
      if (seen)
        return { ok: true, value: { status: 'duplicate', seq: seen.seq, balance: this.balance() } };
      const entry = this.append({
        kind: 'credit',
        credits: grant.value.credits,
        bonus: grant.value.bonus,
        valueCents: event.valueCents,
        device: event.device,
        deviceEventId: event.deviceEventId,
        denomination: event.denomination,
      });
      if (event.counter) this.storeCounter(event.device, event.counter);
      return { ok: true, value: { status: 'credited', entry } };
    });
  }

  /** Takes `credits` for a pick; refuses with `insufficient_credits` when the balance is short. */
  spend(credits: number, ref: string): LedgerResult<LedgerEntry> {
    if (!positive(credits)) return refused('invalid_amount', `cannot spend ${credits} credits`);
    return this.write(() => {
      const balance = this.balance();
      if (balance < credits) {
        return refused('insufficient_credits', `${credits} credits needed, ${balance} available`);
      }
      return { ok: true, value: this.append({ kind: 'spend', credits: -credits, ref }) };
    });
  }

  /**
   * Gives back credits spent under `ref` (a song that could not play, a failed burn). At most
   * what was spent under that ref minus earlier refunds, so a retried refund cannot mint credit.
   */
  refund(credits: number, reason: string, ref: string): LedgerResult<LedgerEntry> {
    if (!positive(credits)) return refused('invalid_amount', `cannot refund ${credits} credits`);
    if (!reason.trim()) return refused('reason_required', 'a refund needs a reason');
    return this.write(() => {
      const left = this.refundableFor(ref);
      if (credits > left) {
        return refused('refund_exceeds_spend', `only ${left} credits are refundable for ${ref}`);
      }
      return { ok: true, value: this.append({ kind: 'refund', credits, reason, ref }) };
    });
  }

  /** Operator free credits; the reason and the staff member are both required. */
  freeCredits(credits: number, reason: string, staff: string): LedgerResult<LedgerEntry> {
    if (!positive(credits)) return refused('invalid_amount', `cannot give ${credits} credits`);
    if (!reason.trim()) return refused('reason_required', 'free credits need a reason');
    if (!staff.trim()) return refused('staff_required', 'free credits need a staff name');
    return this.write(() => ({
      ok: true,
      value: this.append({ kind: 'free', credits, reason, staff }),
    }));
  }

  /** Current credits: the running balance of the last row (0 on an empty ledger). */
  balance(): number {
    const row = cachedStatement<[], { b: number }>(
      this.db,
      'SELECT balance_after AS b FROM ledger ORDER BY seq DESC LIMIT 1',
    ).get();
    return row?.b ?? 0;
  }

  /**
   * Recomputes the balance from every row and compares it with the running balance: a
   * start-up self-check (the insert trigger makes a mismatch impossible short of corruption).
   */
  audit(): { balance: number; sum: number; consistent: boolean } {
    const row = cachedStatement<[], { s: number }>(
      this.db,
      'SELECT coalesce(sum(credits), 0) AS s FROM ledger',
    ).get();
    const sum = row?.s ?? 0;
    const balance = this.balance();
    return { balance, sum, consistent: sum === balance };
  }

  /** Money taken per denomination since the last collection. */
  totalsSinceCollection(): MoneyTotals {
    return collectionTotals(this.db, lastCollection(this.db));
  }

  /**
   * Records that `staff` emptied the cash box. Returns the mark and the totals it closed,
   * read in the same transaction so no credit can fall between the two.
   */
  markCollection(staff: string): LedgerResult<{ collection: Collection; collected: MoneyTotals }> {
    if (!staff.trim()) return refused('staff_required', 'a collection needs a staff name');
    return this.write(() => {
      const collected = this.totalsSinceCollection();
      const collection = cachedStatement<[string, string], Collection>(
        this.db,
        `INSERT INTO collections (at, staff, through_seq)
         VALUES (?, ?, (SELECT coalesce(max(seq), 0) FROM ledger))
         RETURNING id, at, staff, through_seq AS throughSeq`,
      ).get(this.now().toISOString(), staff);
      if (!collection) throw new Error('collection insert returned no row');
      return { ok: true, value: { collection, collected } };
    });
  }

  /** Rows after `seq`, oldest first: what the sync agent uploads. */
  entriesAfter(seq: number, limit = 500): LedgerEntry[] {
    return cachedStatement<[number, number], LedgerEntry>(
      this.db,
      `SELECT ${entryColumns} FROM ledger WHERE seq > ? ORDER BY seq LIMIT ?`,
    ).all(seq, limit);
  }

  /** The counter last persisted for `device`, for the driver's reconciliation at start. */
  deviceCounter(device: string): DeviceCounter | undefined {
    return cachedStatement<[string], DeviceCounter>(
      this.db,
      `SELECT device, serial, counter, updated_at AS updatedAt FROM device_counters WHERE device = ?`,
    ).get(device);
  }

  /**
   * Persists a counter move that carries no credit (a reject, an error event, a reset seen
   * at start). Credits must go through `creditFromDevice`, which stores the counter itself.
   */
  saveDeviceCounter(device: string, counter: DeviceCounterInput): LedgerResult<DeviceCounter> {
    if (!validCounter(counter))
      return refused('invalid_amount', `device counter ${counter.value} is not valid`);
    return this.write(() => ({ ok: true, value: this.storeCounter(device, counter) }));
  }

  private write<T>(fn: () => LedgerResult<T>): LedgerResult<T> {
    return this.db.transaction(fn).immediate();
  }

  private refundableFor(ref: string): number {
    const row = cachedStatement<[string], { left: number }>(
      this.db,
      `SELECT coalesce(-sum(credits) FILTER (WHERE kind = 'spend'), 0)
         - coalesce(sum(credits) FILTER (WHERE kind = 'refund'), 0) AS left
       FROM ledger WHERE ref = ?`,
    ).get(ref);
    return row?.left ?? 0;
  }

  private storeCounter(device: string, counter: DeviceCounterInput): DeviceCounter {
    const row = cachedStatement<[string, string, number, string], DeviceCounter>(
      this.db,
      `INSERT INTO device_counters (device, serial, counter, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (device) DO UPDATE SET serial = excluded.serial, counter = excluded.counter,
         updated_at = excluded.updated_at
       RETURNING device, serial, counter, updated_at AS updatedAt`,
    ).get(device, counter.serial, counter.value, this.now().toISOString());
    if (!row) throw new Error('device counter upsert returned no row');
    return row;
  }

  private append(row: NewRow): LedgerEntry {
    const entry = cachedStatement<unknown[], LedgerEntry>(
      this.db,
      `INSERT INTO ledger (at, kind, credits, bonus, balance_after, value_cents, device,
         device_event_id, denomination, reason, staff, ref)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING ${entryColumns}`,
    ).get(
      this.now().toISOString(),
      row.kind,
      row.credits,
      row.bonus ?? 0,
      this.balance() + row.credits,
      row.valueCents ?? null,
      row.device ?? null,
      row.deviceEventId ?? null,
      row.denomination ?? null,
      row.reason ?? null,
      row.staff ?? null,
      row.ref ?? null,
    );
    if (!entry) throw new Error('ledger insert returned no row');
    return entry;
  }
}

function positive(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

function validCounter(c: DeviceCounterInput): boolean {
  return Number.isSafeInteger(c.value) && c.value >= 0 && c.serial.length > 0;
}
