import type { Insertable, Kysely, Transaction } from 'kysely';
import { dialectOf, encodeJson, RowBatchStatement } from '@jukebox/db';
import type { StatusData, TelemetryRecord } from '@jukebox/protocol';
import type { FleetDatabase } from '../db/schema.js';
import type { TelemetryRecordsTable } from './schema.js';
import { deriveFromRecords, isoMs } from './telemetry-derive.js';

export interface StoredBatch {
  /** The box's contiguous ack after this batch. */
  ack: number;
  /** Records of the batch that were new (the rest were already stored). */
  inserted: TelemetryRecord[];
}

/** How many stored seqs the ack walk reads per query. */
const ACK_WALK_PAGE = 1000;

type RecordRow = Insertable<TelemetryRecordsTable>;
const RECORD_COLUMNS = ['box_id', 'seq', 'kind', 'at', 'received_at', 'data'] as const;

/**
 * Records known to be new. No ON CONFLICT clause: if one were stored after all, the batch
 * fails and is retried rather than counted twice.
 */
const insertRecords = new RowBatchStatement({
  columns: RECORD_COLUMNS,
  build: (db: Kysely<FleetDatabase>, rows: RecordRow[]) =>
    db.insertInto('telemetry_records').values(rows),
});

/** Records some of which may be stored already: writes the others and says which they were. */
const insertRecordsIfNew = new RowBatchStatement({
  columns: RECORD_COLUMNS,
  build: (db: Kysely<FleetDatabase>, rows: RecordRow[]) =>
    db
      .insertInto('telemetry_records')
      .values(rows)
      .onConflict((oc) => oc.columns(['box_id', 'seq']).doNothing())
      .returning('seq'),
});

/**
 * Telemetry storage, shared by the control channel, the HTTP upload and (later) USB bundles.
 *
 * A batch is ONE transaction: the records are inserted idempotently on (box, seq), the data
 * derived from them (plays, counts, ledger mirror, song requests, last status) is written for
 * the newly inserted records only, and the box's ack advances. A record sent twice is thus
 * stored and counted once, whatever the path and however often it is replayed. The ack is the
 * highest S with every seq 1..S stored; it only moves forward.
 */
export class TelemetryStore {
  readonly #lockRows: boolean;

  constructor(private readonly db: Kysely<FleetDatabase>) {
    this.#lockRows = dialectOf(db) === 'postgres';
  }

  async storeBatch(
    boxId: string,
    records: readonly TelemetryRecord[],
    now: number,
  ): Promise<StoredBatch> {
    return this.db.transaction().execute(async (trx) => {
      const acked = await this.#lockState(trx, boxId);
      // Everything at or below the ack is stored already: skip it without a write.
      const candidates = unstored(records, acked);
      let inserted: TelemetryRecord[] = [];
      let ack = acked;
      if (candidates.length > 0) {
        const rows = candidates.map((r): RecordRow => ({
          box_id: boxId,
          seq: r.seq,
          kind: r.kind,
          at: isoMs(r.at),
          received_at: now,
          data: encodeJson(r.data),
        }));
        if (await this.#storedAbove(trx, boxId, acked)) {
          // Past a gap: some candidates may be stored, and the ack may run through them.
          const fresh = new Set(
            (await insertRecordsIfNew.execute(trx, rows)).map((r) => Number(r.seq)),
          );
          inserted = candidates.filter((r) => fresh.has(r.seq));
          await deriveFromRecords(trx, boxId, inserted);
          ack = await this.#advanceAck(trx, boxId, acked);
        } else {
          // The usual case: nothing is stored past the ack, so every candidate is new and the
          // ack runs exactly as far as the candidates continue it (they are in seq order).
          await insertRecords.execute(trx, rows);
          inserted = candidates;
          await deriveFromRecords(trx, boxId, inserted);
          for (const r of candidates) {
            if (r.seq !== ack + 1) break;
            ack = r.seq;
          }
        }
      }
      await trx
        .updateTable('box_link_state')
        .set({ acked_seq: ack, last_seen_at: now })
        .where('box_id', '=', boxId)
        .execute();
      return { ack, inserted };
    });
  }

  /** The box's current ack (0 when it never uploaded). */
  async ackOf(boxId: string): Promise<number> {
    const row = await this.db
      .selectFrom('box_link_state')
      .select('acked_seq')
      .where('box_id', '=', boxId)
      .executeTakeFirst();
    return row?.acked_seq ?? 0;
  }

  /**
   * Keeps a status the box sent live on the control channel as its last status (unless a
   * newer one is stored already).
   */
  async recordStatus(boxId: string, status: StatusData, at: number): Promise<void> {
    await this.db
      .updateTable('box_link_state')
      .set({ last_status: encodeJson(status), last_status_at: at, last_seen_at: at })
      .where('box_id', '=', boxId)
      .where((eb) => eb.or([eb('last_status_at', 'is', null), eb('last_status_at', '<=', at)]))
      .execute();
  }

  /**
   * Makes sure the box's state row exists, then locks it (PostgreSQL), so that two batches of
   * one box (say, one over the channel and one over HTTP) are applied one after the other and
   * the second sees the first's records when it computes the ack. SQLite serialises writing
   * transactions anyway.
   */
  async #lockState(trx: Transaction<FleetDatabase>, boxId: string): Promise<number> {
    await trx
      .insertInto('box_link_state')
      .values({ box_id: boxId })
      .onConflict((oc) => oc.column('box_id').doNothing())
      .execute();
    const state = await trx
      .selectFrom('box_link_state')
      .select('acked_seq')
      .where('box_id', '=', boxId)
      .$if(this.#lockRows, (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
    return state.acked_seq;
  }

  /** Whether the box has any record stored above `seq` (records past a gap in its seqs). */
  async #storedAbove(
    trx: Transaction<FleetDatabase>,
    boxId: string,
    seq: number,
  ): Promise<boolean> {
    const row = await trx
      .selectFrom('telemetry_records')
      .select('seq')
      .where('box_id', '=', boxId)
      .where('seq', '>', seq)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Walks the stored seqs above the ack while they are contiguous. */
  async #advanceAck(trx: Transaction<FleetDatabase>, boxId: string, from: number): Promise<number> {
    let ack = from;
    for (;;) {
      const rows = await trx
        .selectFrom('telemetry_records')
        .select('seq')
        .where('box_id', '=', boxId)
        .where('seq', '>', ack)
        .orderBy('seq')
        .limit(ACK_WALK_PAGE)
        .execute();
      for (const row of rows) {
        if (row.seq !== ack + 1) return ack;
        ack = row.seq;
      }
      if (rows.length < ACK_WALK_PAGE) return ack;
    }
  }
}

/**
 * The records above `acked`, in seq order, one per seq (the first one given). The wire schema
 * already demands increasing seqs; this keeps the store right for any caller.
 */
function unstored(records: readonly TelemetryRecord[], acked: number): TelemetryRecord[] {
  const out = records.filter((r) => r.seq > acked);
  let ordered = true;
  for (let i = 1; i < out.length && ordered; i++) ordered = out[i]!.seq > out[i - 1]!.seq;
  if (ordered) return out;
  const bySeq = new Map<number, TelemetryRecord>();
  for (const r of out) if (!bySeq.has(r.seq)) bySeq.set(r.seq, r);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
