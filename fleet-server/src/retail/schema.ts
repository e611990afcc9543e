import type { Generated, Selectable } from 'kysely';
import type { OrderStatus } from '@jukebox/protocol';

/*
 * Tables of retail orders, created by migration 0006_retail and written from telemetry
 * (retail/derive.ts). Times are milliseconds since the epoch, as the box reported them.
 */

export interface RetailOrdersTable {
  /** Internal: the staff list pages on it; never shown on the public page. */
  id: Generated<number>;
  box_id: string;
  tracking_number: string;
  /** The `order` telemetry record's seq. */
  seq: number;
  title: string;
  track_count: number;
  duration_ms: number;
  /** Credits paid (one credit is usually one minor unit of `currency`). */
  price: number;
  currency: string;
  /** Part of `price` paid from a voucher; 0 when none. */
  voucher_credits: number;
  customer_name: string | null;
  customer_email: string | null;
  placed_at: number;
  /** Derived from the burn events (retail/status.ts); kept here for lists and filters. */
  status: OrderStatus;
  /** When the current status began. */
  status_at: number;
  /** The latest of `placed_at` and the events' times. */
  last_event_at: number;
  /** The attempt under way (1, then 2 after a retry, ...). */
  attempt: number;
  failed_attempts: number;
  /** Progress times of the current attempt (a retry clears the burn times). */
  assembled_at: number | null;
  burn_started_at: number | null;
  burn_finished_at: number | null;
  done_at: number | null;
  refunded_at: number | null;
}

export interface RetailOrderTracksTable {
  order_id: number;
  /** 1-based place on the disc. */
  position: number;
  local_track_id: number;
  catalog_id: string | null;
  isrc: string | null;
  title: string;
  artist: string;
  duration_ms: number;
}

export interface RetailBurnEventsTable {
  box_id: string;
  /** The telemetry record's seq: the idempotency key, and the order events happened in. */
  seq: number;
  tracking_number: string;
  kind: string;
  attempt: number;
  burner_id: string | null;
  detail: string | null;
  at: number;
}

export interface RetailRecordingsTable {
  box_id: string;
  seq: number;
  tracking_number: string;
  recording_number: number;
  recording_id: string;
  burner_id: string;
  media_serial: string | null;
  started_at: number;
  finished_at: number;
}

export interface RetailTables {
  retail_orders: RetailOrdersTable;
  retail_order_tracks: RetailOrderTracksTable;
  retail_burn_events: RetailBurnEventsTable;
  retail_recordings: RetailRecordingsTable;
}

export type RetailOrderRow = Selectable<RetailOrdersTable>;
export type RetailBurnEventRow = Selectable<RetailBurnEventsTable>;
