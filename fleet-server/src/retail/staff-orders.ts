import type { Kysely } from 'kysely';
import type { StaffRole } from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../audit/log.js';
import type { Viewer } from '../auth/scope.js';
import { isoTime, type Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';
import { notFound } from '../errors.js';
import type {
  RetailOrderDetail,
  RetailOrderList,
  RetailOrderListQuery,
  RetailOrderSummary,
} from './api-schemas.js';
import { toStatusEvent } from './derive.js';
import { parseTrackingNumber } from './public-order.js';
import type { RetailOrderRow } from './schema.js';
import { foldOrderStatus } from './status.js';

/**
 * Roles that see the orders of every box. Bookkeepers settle the shops' takings without
 * servicing boxes; a route operator sees the orders of the boxes on their routes.
 */
const ALL_ORDERS: readonly StaffRole[] = ['admin', 'bookkeeper'];
const seesAll = (viewer: Viewer) => ALL_ORDERS.some((r) => viewer.roles.has(r));

/** Who asks: what they may see, and who they are for the audit log. */
export type OrderViewer = Viewer & { actor: StaffActor };

const time = (ms: number | null) => (ms === null ? null : isoTime(Number(ms)));

/** Staff views of retail orders, scoped to the boxes the viewer may see. */
export class StaffOrders {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
  ) {}

  /** Orders joined with their box, restricted to what `viewer` may see. */
  #visible(viewer: Viewer) {
    const query = this.db
      .selectFrom('retail_orders as o')
      .innerJoin('boxes as b', 'b.id', 'o.box_id')
      .selectAll('o')
      .select('b.name as box_name');
    if (seesAll(viewer)) return query;
    return query.where('b.route_id', 'in', (eb) =>
      eb.selectFrom('route_staff').select('route_id').where('user_id', '=', viewer.userId),
    );
  }

  /** Newest first, `limit` orders with an internal id below `before`. */
  async list(query: RetailOrderListQuery, viewer: Viewer): Promise<RetailOrderList> {
    let q = this.#visible(viewer)
      .orderBy('o.id', 'desc')
      .limit(query.limit + 1);
    if (query.boxId !== undefined) {
      // A box outside the viewer's routes is "not found", as in the reports.
      if (!(await this.#boxVisible(query.boxId, viewer))) throw notFound(`box ${query.boxId}`);
      q = q.where('o.box_id', '=', query.boxId);
    }
    if (query.status !== undefined) q = q.where('o.status', '=', query.status);
    if (query.before !== undefined) q = q.where('o.id', '<', query.before);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      orders: page.map(summary),
      nextBefore: rows.length > query.limit && last ? Number(last.id) : null,
    };
  }

  /**
   * One order with its tracks, events, recordings and the customer's contact. Reading it is
   * audited: it carries personal data.
   */
  async detail(text: string, viewer: OrderViewer): Promise<RetailOrderDetail> {
    const number = parseTrackingNumber(text);
    const order = await this.#visible(viewer)
      .where('o.tracking_number', '=', number)
      .orderBy('o.id')
      .limit(1)
      .executeTakeFirst();
    if (!order) throw notFound(`order ${number}`);
    const [tracks, events, recordings] = await Promise.all([
      this.db
        .selectFrom('retail_order_tracks')
        .selectAll()
        .where('order_id', '=', order.id)
        .orderBy('position')
        .execute(),
      this.db
        .selectFrom('retail_burn_events')
        .selectAll()
        .where('box_id', '=', order.box_id)
        .where('tracking_number', '=', number)
        .orderBy('seq')
        .execute(),
      this.db
        .selectFrom('retail_recordings')
        .selectAll()
        .where('box_id', '=', order.box_id)
        .where('tracking_number', '=', number)
        .orderBy('seq')
        .execute(),
    ]);
    const known = events.flatMap((e) => {
      const event = toStatusEvent(e);
      return event ? [{ row: e, event }] : [];
    });
    const progress = foldOrderStatus(
      Number(order.placed_at),
      known.map((k) => k.event),
    );
    await recordAudit(this.db, this.clock.now(), {
      actor: viewer.actor,
      action: 'retail.order.read',
      targetType: 'retail-order',
      targetId: number,
      details: { boxId: order.box_id },
    });
    return {
      ...summary(order),
      customer: { name: order.customer_name, email: order.customer_email },
      awaitingRetry: progress.awaitingRetry,
      assembledAt: time(order.assembled_at),
      burnStartedAt: time(order.burn_started_at),
      burnFinishedAt: time(order.burn_finished_at),
      doneAt: time(order.done_at),
      refundedAt: time(order.refunded_at),
      tracks: tracks.map((t) => ({
        position: Number(t.position),
        localTrackId: Number(t.local_track_id),
        catalogId: t.catalog_id,
        isrc: t.isrc,
        title: t.title,
        artist: t.artist,
        durationMs: Number(t.duration_ms),
      })),
      events: known.map(({ row, event }) => ({
        seq: event.seq,
        at: isoTime(event.at),
        kind: event.kind,
        attempt: event.attempt,
        burnerId: row.burner_id,
        detail: row.detail,
      })),
      recordings: recordings.map((r) => ({
        recordingNumber: Number(r.recording_number),
        recordingId: r.recording_id,
        burnerId: r.burner_id,
        mediaSerial: r.media_serial,
        startedAt: isoTime(Number(r.started_at)),
        finishedAt: isoTime(Number(r.finished_at)),
      })),
    };
  }

  async #boxVisible(boxId: string, viewer: Viewer): Promise<boolean> {
    let q = this.db.selectFrom('boxes as b').select('b.id').where('b.id', '=', boxId);
    if (!seesAll(viewer)) {
      q = q.where('b.route_id', 'in', (eb) =>
        eb.selectFrom('route_staff').select('route_id').where('user_id', '=', viewer.userId),
      );
    }
    return (await q.executeTakeFirst()) !== undefined;
  }
}

function summary(o: RetailOrderRow & { box_name: string }): RetailOrderSummary {
  return {
    trackingNumber: o.tracking_number,
    boxId: o.box_id,
    boxName: o.box_name,
    title: o.title,
    trackCount: Number(o.track_count),
    durationMs: Number(o.duration_ms),
    price: Number(o.price),
    currency: o.currency,
    voucherCredits: Number(o.voucher_credits),
    status: o.status,
    statusAt: isoTime(Number(o.status_at)),
    placedAt: isoTime(Number(o.placed_at)),
    updatedAt: isoTime(Number(o.last_event_at)),
    attempt: Number(o.attempt),
    failedAttempts: Number(o.failed_attempts),
  };
}
