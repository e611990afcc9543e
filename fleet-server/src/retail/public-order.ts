import type { Kysely } from 'kysely';
import { normaliseTrackingNumber, trackingNumber } from '@jukebox/protocol';
import { isoTime } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';
import { FleetError } from '../errors.js';
import type { PublicOrder, PublicOrderEvent } from './api-schemas.js';
import { toStatusEvent } from './derive.js';
import { foldOrderStatus } from './status.js';
import { eventLabel, statusText } from './words.js';

/**
 * The tracking number in what a person typed (`7k3m9qxp2d4f`, `7K3M-9QXP-2D4F`, O for 0), or
 * a 400 naming the field.
 */
export function parseTrackingNumber(text: string, field = 'params.trackingNumber'): string {
  const parsed = trackingNumber.safeParse(normaliseTrackingNumber(text));
  if (!parsed.success) {
    throw new FleetError(
      'bad_request',
      `${field}: a tracking number is three groups of four letters and digits, e.g. 7K3M-9QXP-2D4F`,
    );
  }
  return parsed.data;
}

/**
 * The one answer for every number without an order, whatever the server holds for it (events
 * of an order not here yet, say): nothing tells a guesser that a number is "warm".
 */
const NO_SUCH_ORDER =
  'no order has this tracking number: check it on your receipt (it may take a few minutes ' +
  'for a new order to appear)';

/**
 * The public view of an order. Tracking numbers are random per order, so two boxes sharing
 * one is a fault; should it happen, the order the server heard of first is shown.
 */
export async function findPublicOrder(
  db: Kysely<FleetDatabase>,
  text: string,
): Promise<PublicOrder> {
  const number = parseTrackingNumber(text);
  const order = await db
    .selectFrom('retail_orders as o')
    .innerJoin('boxes as b', 'b.id', 'o.box_id')
    .select([
      'o.box_id',
      'o.tracking_number',
      'o.title',
      'o.track_count',
      'o.duration_ms',
      'o.placed_at',
      'o.status',
      'o.last_event_at',
      'b.name as shop',
    ])
    .where('o.tracking_number', '=', number)
    .orderBy('o.id')
    .limit(1)
    .executeTakeFirst();
  if (!order) throw new FleetError('not_found', NO_SUCH_ORDER);
  const rows = await db
    .selectFrom('retail_burn_events')
    .select(['seq', 'kind', 'attempt', 'at'])
    .where('box_id', '=', order.box_id)
    .where('tracking_number', '=', number)
    .orderBy('seq')
    .execute();
  const events = rows.flatMap((r) => toStatusEvent(r) ?? []);
  const placedAt = Number(order.placed_at);
  const progress = foldOrderStatus(placedAt, events);
  const timeline: PublicOrderEvent[] = [
    { at: isoTime(placedAt), kind: 'placed', label: 'Order placed and paid' },
  ];
  for (const e of events) {
    const label = eventLabel(e.kind, e.attempt);
    if (label !== null) timeline.push({ at: isoTime(e.at), kind: e.kind, label });
  }
  return {
    trackingNumber: order.tracking_number,
    shop: order.shop,
    title: order.title,
    trackCount: Number(order.track_count),
    durationMs: Number(order.duration_ms),
    status: order.status,
    statusText: statusText(order.status, progress.awaitingRetry),
    placedAt: isoTime(placedAt),
    updatedAt: isoTime(Number(order.last_event_at)),
    events: timeline,
  };
}
