import {
  MEDIA_SECTORS,
  RED_BOOK,
  discPrice,
  fail,
  ok,
  sectorsForMs,
  type ApiResult,
  type DiscProblem,
  type DiscQuote,
  type OrderEventView,
  type OrderStatus,
  type OrderView,
  type RetailConfig,
} from '@jukebox/protocol';
import { cachedStatement, type Db } from '../db/index.js';
import type { CreditLedger } from '../money/index.js';
import type { TelemetryOutbox } from '../telemetry/index.js';
import { newRecordingId, newTrackingNumber } from './ids.js';

/** A track as an order takes it from the library. */
export interface OrderTrack {
  trackId: number;
  title: string;
  artist: string;
  durationMs: number;
  isrc: string | null;
  catalogId: string | null;
}

export interface PlaceOrderInput {
  requestId: string;
  title: string;
  trackIds: number[];
  customer?: { name?: string | undefined; email?: string | undefined } | undefined;
}

/** An order row as the burn station needs it. */
export interface OrderRecord {
  id: number;
  trackingNumber: string;
  recordingId: string;
  title: string;
  price: number;
  status: OrderStatus;
  placedAt: string;
  message: string | null;
  durationMs: number;
  trackCount: number;
}

interface TrackRow {
  id: number;
  title: string;
  artist: string;
  durationMs: number;
  isrc: string | null;
  catalogId: string | null;
  path: string | null;
  missing: number;
}

const orderColumns = `id, tracking_number AS trackingNumber, recording_id AS recordingId, title,
  price, status, placed_at AS placedAt, message, duration_ms AS durationMs,
  track_count AS trackCount`;

/** The ledger `ref` of an order's payment and of its refund. */
export function orderRef(trackingNumber: string): string {
  return `order:${trackingNumber}`;
}

/**
 * Orders of the retail terminal: quotes, placing and paying (one transaction with the ledger
 * spend, the burn job and the telemetry record), and the views the UI shows. The limits are
 * checked here again whatever the UI did: 99 tracks, 4 s per track, the media's capacity.
 */
export class RetailOrders {
  private readonly capacitySectors: number;

  constructor(
    private readonly db: Db,
    private readonly ledger: CreditLedger,
    private readonly outbox: TelemetryOutbox,
    private readonly config: RetailConfig,
    private readonly currency: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.capacitySectors = MEDIA_SECTORS[config.media];
  }

  /** Price, length and every problem of a disc of these tracks, in this order. */
  quote(trackIds: readonly number[]): DiscQuote {
    return this.check(trackIds).quote;
  }

  /**
   * Places and pays an order. A retry under the same request id returns the order already
   * placed; a short balance or a broken limit is refused and changes nothing.
   */
  place(input: PlaceOrderInput): ApiResult<OrderView> {
    const previous = this.byRequestId(input.requestId);
    if (previous !== null) return ok(previous);
    const { quote, tracks } = this.check(input.trackIds);
    if (quote.problems.length > 0) {
      return fail('bad_request', quote.problems.map((p) => p.message).join(' '));
    }
    const trackingNumber = newTrackingNumber();
    const at = this.now().toISOString();
    const result = this.db
      .transaction((): ApiResult<number> => {
        const spend = this.ledger.spend(quote.price, orderRef(trackingNumber));
        if (!spend.ok) {
          if (spend.error.code === 'insufficient_credits') {
            const missing = quote.price - this.ledger.balance();
            return fail('insufficient_credits', `the disc costs ${quote.price} credits`, {
              missingCredits: Math.max(1, missing),
            });
          }
          return fail('bad_request', spend.error.message);
        }
        const row = cachedStatement<
          [
            string,
            string,
            string,
            string,
            number,
            number,
            number,
            number,
            number,
            string | null,
            string | null,
            string,
            string,
          ],
          { id: number }
        >(
          this.db,
          `INSERT INTO retail_orders (tracking_number, request_id, recording_id, title, track_count,
             duration_ms, sectors, price, spend_seq, customer_name, customer_email, placed_at,
             updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        ).get(
          trackingNumber,
          input.requestId,
          newRecordingId(),
          input.title,
          tracks.length,
          quote.durationMs,
          quote.sectors,
          quote.price,
          spend.value.seq,
          input.customer?.name ?? null,
          input.customer?.email ?? null,
          at,
          at,
        );
        if (!row) throw new Error('order insert returned no row');
        const insertTrack = cachedStatement<
          [number, number, number, string | null, string | null, string, string, number]
        >(
          this.db,
          `INSERT INTO retail_order_tracks (order_id, position, track_id, catalog_id, isrc, title,
             artist, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        tracks.forEach((t, i) =>
          insertTrack.run(
            row.id,
            i + 1,
            t.trackId,
            t.catalogId,
            t.isrc,
            t.title,
            t.artist,
            t.durationMs,
          ),
        );
        cachedStatement<[number, string]>(
          this.db,
          'INSERT INTO burn_jobs (order_id, updated_at) VALUES (?, ?)',
        ).run(row.id, at);
        this.outbox.append(
          'order',
          {
            trackingNumber,
            title: input.title,
            tracks: tracks.map((t) => ({
              localTrackId: t.trackId,
              ...(t.catalogId === null ? {} : { catalogId: t.catalogId }),
              ...(t.isrc === null ? {} : { isrc: t.isrc }),
              title: t.title,
              artist: t.artist,
              durationMs: t.durationMs,
            })),
            durationMs: quote.durationMs,
            price: quote.price,
            currency: this.currency,
            ...(input.customer?.name || input.customer?.email
              ? {
                  customer: {
                    ...(input.customer.name ? { name: input.customer.name } : {}),
                    ...(input.customer.email ? { email: input.customer.email } : {}),
                  },
                }
              : {}),
            placedAt: at,
          },
          at,
        );
        return ok(row.id);
      })
      .immediate();
    if (!result.ok) return result;
    const view = this.view(trackingNumber);
    if (view === null) throw new Error(`order ${trackingNumber} vanished after insert`);
    return ok(view);
  }

  /** The order with this tracking number (as typed: case and dashes do not matter). */
  view(trackingNumber: string): OrderView | null {
    const row = this.record(trackingNumber);
    return row === null ? null : this.toView(row);
  }

  record(trackingNumber: string): OrderRecord | null {
    return (
      cachedStatement<[string], OrderRecord>(
        this.db,
        `SELECT ${orderColumns} FROM retail_orders WHERE tracking_number = ?`,
      ).get(trackingNumber) ?? null
    );
  }

  recordById(id: number): OrderRecord | null {
    return (
      cachedStatement<[number], OrderRecord>(
        this.db,
        `SELECT ${orderColumns} FROM retail_orders WHERE id = ?`,
      ).get(id) ?? null
    );
  }

  /** The tracks of an order in disc order, as ordered. */
  tracks(orderId: number): OrderTrack[] {
    return cachedStatement<[number], OrderTrack>(
      this.db,
      `SELECT track_id AS trackId, title, artist, duration_ms AS durationMs, isrc,
         catalog_id AS catalogId
       FROM retail_order_tracks WHERE order_id = ? ORDER BY position`,
    ).all(orderId);
  }

  /** The newest orders, newest first, for the UI. */
  recent(limit: number, progress: (orderId: number) => number | null): OrderView[] {
    return cachedStatement<[number], OrderRecord>(
      this.db,
      `SELECT ${orderColumns} FROM retail_orders ORDER BY id DESC LIMIT ?`,
    )
      .all(limit)
      .map((r) => this.toView(r, progress(r.id)));
  }

  /** Orders by status, for the status page. */
  counts(): Record<OrderStatus, number> {
    const counts: Record<OrderStatus, number> = {
      queued: 0,
      assembling: 0,
      burning: 0,
      verifying: 0,
      done: 0,
      refunded: 0,
    };
    for (const r of cachedStatement<[], { status: OrderStatus; n: number }>(
      this.db,
      'SELECT status, count(*) AS n FROM retail_orders GROUP BY status',
    ).all()) {
      counts[r.status] = r.n;
    }
    return counts;
  }

  events(orderId: number): OrderEventView[] {
    return cachedStatement<[number], OrderEventView>(
      this.db,
      `SELECT at, kind, burner_id AS burnerId, detail FROM burn_events WHERE order_id = ?
       ORDER BY id`,
    ).all(orderId);
  }

  private toView(row: OrderRecord, progress: number | null = null): OrderView {
    return {
      trackingNumber: row.trackingNumber,
      title: row.title,
      trackCount: row.trackCount,
      durationMs: row.durationMs,
      price: row.price,
      status: row.status,
      progress: row.status === 'burning' ? progress : null,
      message: row.message,
      placedAt: row.placedAt,
      events: this.events(row.id),
    };
  }

  private byRequestId(requestId: string): OrderView | null {
    const row = cachedStatement<[string], OrderRecord>(
      this.db,
      `SELECT ${orderColumns} FROM retail_orders WHERE request_id = ?`,
    ).get(requestId);
    return row ? this.toView(row) : null;
  }

  private check(trackIds: readonly number[]): { quote: DiscQuote; tracks: OrderTrack[] } {
    const problems: DiscProblem[] = [];
    const tracks: OrderTrack[] = [];
    const lookup = cachedStatement<[number], TrackRow>(
      this.db,
      `SELECT t.id, t.title, a.name AS artist, t.duration_ms AS durationMs, t.isrc,
         t.catalog_id AS catalogId, t.path, t.missing
       FROM tracks t JOIN artists a ON a.id = t.artist_id WHERE t.id = ?`,
    );
    const minMs = (RED_BOOK.minTrackSectors * 1000) / RED_BOOK.sectorsPerSecond;
    const shortSeen = new Set<number>();
    for (const id of trackIds) {
      const row = lookup.get(id);
      if (!row || row.path === null || row.missing) {
        problems.push({
          code: 'unknown-track',
          trackId: id,
          message: `Track ${id} is not in this terminal's library.`,
        });
        continue;
      }
      if (row.durationMs < minMs && !shortSeen.has(id)) {
        shortSeen.add(id);
        problems.push({
          code: 'track-too-short',
          trackId: id,
          message: `"${row.title}" is shorter than ${minMs / 1000} seconds, the shortest track a CD can hold.`,
        });
      }
      tracks.push({
        trackId: row.id,
        title: row.title,
        artist: row.artist,
        durationMs: row.durationMs,
        isrc: row.isrc,
        catalogId: row.catalogId,
      });
    }
    if (trackIds.length === 0) {
      problems.push({ code: 'empty', message: 'The disc has no tracks yet.' });
    }
    if (trackIds.length > RED_BOOK.maxTracks) {
      problems.push({
        code: 'too-many-tracks',
        message: `A CD holds at most ${RED_BOOK.maxTracks} tracks; this disc has ${trackIds.length}.`,
      });
    }
    const durationMs = tracks.reduce((sum, t) => sum + t.durationMs, 0);
    const sectors =
      trackIds.length === 0
        ? 0
        : RED_BOOK.pregapSectors + tracks.reduce((sum, t) => sum + sectorsForMs(t.durationMs), 0);
    if (sectors > this.capacitySectors) {
      problems.push({
        code: 'over-capacity',
        message: `The tracks run ${clock(sectors)}; a ${this.config.media}-minute disc holds ${clock(this.capacitySectors)}.`,
      });
    }
    return {
      quote: {
        trackCount: trackIds.length,
        durationMs,
        sectors,
        capacitySectors: this.capacitySectors,
        price: discPrice(this.config.pricing, trackIds.length),
        problems,
      },
      tracks,
    };
  }
}

/** Sectors as m:ss. */
function clock(sectors: number): string {
  const seconds = Math.floor(sectors / RED_BOOK.sectorsPerSecond);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
