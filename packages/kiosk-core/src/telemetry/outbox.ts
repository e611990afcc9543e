import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';

export type TelemetryKind =
  'play' | 'ledger' | 'song-request' | 'status' | 'order' | 'recording' | 'burn-event';

/** One record as it goes up: the per-box seq, when, what, and its JSON data. */
export interface TelemetryRecord {
  seq: number;
  at: string;
  kind: TelemetryKind;
  data: Record<string, unknown>;
}

/**
 * The telemetry outbox (migration 0005). Plays, ledger rows and song requests land here by
 * trigger, in the transaction of the fact itself; status snapshots are added by the sync
 * agent. Records are read in seq order and deleted only when the server acknowledged them.
 */
export class TelemetryOutbox {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records after `afterSeq`, oldest first. */
  pending(afterSeq: number, limit: number): TelemetryRecord[] {
    return cachedStatement<
      [number, number],
      { seq: number; at: string; kind: TelemetryKind; data: string }
    >(
      this.db,
      'SELECT seq, at, kind, data FROM telemetry_outbox WHERE seq > ? ORDER BY seq LIMIT ?',
    )
      .all(afterSeq, limit)
      .map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /** The highest seq the server has acknowledged (0 before the first). */
  ackedSeq(): number {
    return (
      cachedStatement<[], { s: number }>(this.db, 'SELECT acked_seq AS s FROM telemetry_ack').get()
        ?.s ?? 0
    );
  }

  /** The newest seq ever written (0 when none). */
  lastSeq(): number {
    const row = cachedStatement<[], { seq: number }>(
      this.db,
      "SELECT seq FROM sqlite_sequence WHERE name = 'telemetry_outbox'",
    ).get();
    return row?.seq ?? 0;
  }

  /** How many records wait for an acknowledgement. */
  unacknowledged(): number {
    return (
      cachedStatement<[], { n: number }>(
        this.db,
        'SELECT count(*) AS n FROM telemetry_outbox',
      ).get()?.n ?? 0
    );
  }

  /**
   * The server stored everything up to `seq`: forget those records. An acknowledgement never
   * goes back, and one beyond what the box ever wrote is refused (a confused or hostile
   * server must not make the box drop records it never sent).
   */
  acknowledge(seq: number): { ok: true; acked: number } | { ok: false; error: string } {
    if (!Number.isSafeInteger(seq) || seq < 0) return { ok: false, error: `bad seq ${seq}` };
    return this.db
      .transaction(() => {
        const last = this.lastSeq();
        if (seq > last) {
          return { ok: false as const, error: `ack ${seq} is beyond the last record ${last}` };
        }
        const acked = Math.max(this.ackedSeq(), seq);
        cachedStatement<[number]>(this.db, 'UPDATE telemetry_ack SET acked_seq = ?').run(acked);
        cachedStatement<[number]>(this.db, 'DELETE FROM telemetry_outbox WHERE seq <= ?').run(
          acked,
        );
        return { ok: true as const, acked };
      })
      .immediate();
  }

  /** Adds a status snapshot (versions, disk, last sync), reported like any other record. */
  recordStatus(data: Record<string, unknown>): number {
    return this.append('status', data);
  }

  /**
   * Adds a record written by code rather than by a trigger (status, retail orders, burn
   * events). Call it inside the transaction of the fact it reports.
   */
  append(
    kind: TelemetryKind,
    data: Record<string, unknown>,
    at: string = this.now().toISOString(),
  ): number {
    const row = cachedStatement<[string, string, string], { seq: number }>(
      this.db,
      'INSERT INTO telemetry_outbox (at, kind, data) VALUES (?, ?, ?) RETURNING seq',
    ).get(at, kind, JSON.stringify(data));
    if (!row) throw new Error(`${kind} record insert returned no row`);
    return row.seq;
  }
}
