import type { Insertable, Transaction } from 'kysely';
import { burnEventKind, type TelemetryRecord } from '@jukebox/protocol';
import type { FleetDatabase } from '../db/schema.js';
import type { RetailOrderTracksTable } from './schema.js';
import { foldOrderStatus, type StatusEvent } from './status.js';

type Rec<K extends TelemetryRecord['kind']> = Extract<TelemetryRecord, { kind: K }>;

const ms = (iso: string) => Date.parse(iso);

/** Track rows per insert: 99 tracks of 500 orders would pass both engines' parameter limits. */
const TRACK_ROWS_PER_INSERT = 1000;

/**
 * Writes what the retail records of a telemetry batch mean (orders and their tracks, burn
 * events, recordings) and brings the status of every order they touch up to date, in the
 * caller's transaction. Called with newly stored records only (telemetry-derive.ts), so a
 * record sent twice derives once; a second `order` record for a tracking number the box
 * already reported is ignored. Events and recordings are kept whether or not their order is
 * here yet: when the order comes, its status is computed from everything stored so far.
 */
export async function deriveRetail(
  trx: Transaction<FleetDatabase>,
  boxId: string,
  records: readonly TelemetryRecord[],
): Promise<void> {
  const orders = new Map<string, Rec<'order'>>();
  const events: Rec<'burn-event'>[] = [];
  const recordings: Rec<'recording'>[] = [];
  for (const r of records) {
    if (r.kind === 'order') {
      if (!orders.has(r.data.trackingNumber)) orders.set(r.data.trackingNumber, r);
    } else if (r.kind === 'burn-event') events.push(r);
    else if (r.kind === 'recording') recordings.push(r);
  }
  if (orders.size) await insertOrders(trx, boxId, [...orders.values()]);
  if (events.length) {
    await trx
      .insertInto('retail_burn_events')
      .values(
        events.map(({ seq, at, data: d }) => ({
          box_id: boxId,
          seq,
          tracking_number: d.trackingNumber,
          kind: d.kind,
          attempt: d.attempt,
          burner_id: d.burnerId ?? null,
          detail: d.detail ?? null,
          at: ms(at),
        })),
      )
      .execute();
  }
  if (recordings.length) {
    await trx
      .insertInto('retail_recordings')
      .values(
        recordings.map(({ seq, data: d }) => ({
          box_id: boxId,
          seq,
          tracking_number: d.trackingNumber,
          recording_number: d.recordingNumber,
          recording_id: d.recordingId,
          burner_id: d.burnerId,
          media_serial: d.mediaSerial ?? null,
          started_at: ms(d.startedAt),
          finished_at: ms(d.finishedAt),
        })),
      )
      .execute();
  }
  const touched = new Set([...orders.keys(), ...events.map((e) => e.data.trackingNumber)]);
  if (touched.size) await refreshStatus(trx, boxId, [...touched]);
}

async function insertOrders(
  trx: Transaction<FleetDatabase>,
  boxId: string,
  orders: Rec<'order'>[],
): Promise<void> {
  const inserted = await trx
    .insertInto('retail_orders')
    .values(
      orders.map(({ seq, data: d }) => {
        const placedAt = ms(d.placedAt);
        return {
          box_id: boxId,
          tracking_number: d.trackingNumber,
          seq,
          title: d.title,
          track_count: d.tracks.length,
          duration_ms: d.durationMs,
          price: d.price,
          currency: d.currency,
          voucher_credits: d.voucherCredits ?? 0,
          customer_name: d.customer?.name ?? null,
          customer_email: d.customer?.email ?? null,
          placed_at: placedAt,
          // Provisional: refreshStatus folds the stored events in right after.
          status: 'queued' as const,
          status_at: placedAt,
          last_event_at: placedAt,
          attempt: 1,
          failed_attempts: 0,
        };
      }),
    )
    .onConflict((oc) => oc.columns(['box_id', 'tracking_number']).doNothing())
    .returning(['id', 'tracking_number'])
    .execute();
  const byNumber = new Map(orders.map((o) => [o.data.trackingNumber, o.data]));
  const tracks: Insertable<RetailOrderTracksTable>[] = inserted.flatMap((row) =>
    (byNumber.get(row.tracking_number)?.tracks ?? []).map((t, i) => ({
      order_id: row.id,
      position: i + 1,
      local_track_id: t.localTrackId,
      catalog_id: t.catalogId ?? null,
      isrc: t.isrc ?? null,
      title: t.title,
      artist: t.artist,
      duration_ms: t.durationMs,
    })),
  );
  for (let i = 0; i < tracks.length; i += TRACK_ROWS_PER_INSERT) {
    await trx
      .insertInto('retail_order_tracks')
      .values(tracks.slice(i, i + TRACK_ROWS_PER_INSERT))
      .execute();
  }
}

/** Recomputes the status of the box's orders with these tracking numbers (those it has). */
async function refreshStatus(
  trx: Transaction<FleetDatabase>,
  boxId: string,
  trackingNumbers: string[],
): Promise<void> {
  const orders = await trx
    .selectFrom('retail_orders')
    .select(['id', 'tracking_number', 'placed_at'])
    .where('box_id', '=', boxId)
    .where('tracking_number', 'in', trackingNumbers)
    .execute();
  if (!orders.length) return;
  const rows = await trx
    .selectFrom('retail_burn_events')
    .select(['tracking_number', 'seq', 'kind', 'attempt', 'at'])
    .where('box_id', '=', boxId)
    .where(
      'tracking_number',
      'in',
      orders.map((o) => o.tracking_number),
    )
    .execute();
  const events = new Map<string, StatusEvent[]>();
  for (const row of rows) {
    const event = toStatusEvent(row);
    if (!event) continue;
    const list = events.get(row.tracking_number) ?? [];
    list.push(event);
    events.set(row.tracking_number, list);
  }
  for (const order of orders) {
    const p = foldOrderStatus(Number(order.placed_at), events.get(order.tracking_number) ?? []);
    await trx
      .updateTable('retail_orders')
      .set({
        status: p.status,
        status_at: p.statusAt,
        last_event_at: p.lastEventAt,
        attempt: p.attempt,
        failed_attempts: p.failedAttempts,
        assembled_at: p.assembledAt,
        burn_started_at: p.burnStartedAt,
        burn_finished_at: p.burnFinishedAt,
        done_at: p.doneAt,
        refunded_at: p.refundedAt,
      })
      .where('id', '=', order.id)
      .execute();
  }
}

/**
 * A stored event as the status fold reads it. A kind this code does not know (written by a
 * newer server sharing the database) is left out rather than guessed at.
 */
export function toStatusEvent(row: {
  seq: number;
  kind: string;
  attempt: number;
  at: number;
}): StatusEvent | undefined {
  const kind = burnEventKind.safeParse(row.kind);
  if (!kind.success) return undefined;
  return {
    seq: Number(row.seq),
    kind: kind.data,
    attempt: Number(row.attempt),
    at: Number(row.at),
  };
}
