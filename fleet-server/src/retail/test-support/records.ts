import type { BurnEventKind, TelemetryRecord } from '@jukebox/protocol';

/*
 * Retail telemetry records for tests, valid by the wire schemas (see
 * box-link/test-support/records.ts for the jukebox kinds).
 */

type Data<K extends TelemetryRecord['kind']> = Extract<TelemetryRecord, { kind: K }>['data'];

const iso = (ms: number) => new Date(ms).toISOString();
/** The time orders are placed at unless told otherwise. */
export const PLACED = Date.UTC(2026, 0, 15, 10, 0, 0);

export const CUSTOMER = { name: 'Zelda Quixote-Marsh', email: 'zelda.q@example.org' };

export function orderRecord(
  seq: number,
  trackingNumber: string,
  data: Partial<Data<'order'>> = {},
  at = PLACED,
): TelemetryRecord {
  return {
    seq,
    at: iso(at),
    kind: 'order',
    data: {
      trackingNumber,
      title: 'Road Trip Mix',
      tracks: [
        {
          localTrackId: 11,
          catalogId: 'trk-1',
          title: 'Heroes',
          artist: 'David Bowie',
          durationMs: 371_000,
        },
        { localTrackId: 12, title: 'Our Song', artist: 'The Locals', durationMs: 200_500 },
      ],
      durationMs: 571_500,
      price: 899,
      currency: 'EUR',
      voucherCredits: 100,
      customer: CUSTOMER,
      placedAt: iso(PLACED),
      ...data,
    },
  };
}

/** A burn event `minutes` after PLACED. */
export function burnEvent(
  seq: number,
  trackingNumber: string,
  kind: BurnEventKind,
  minutes: number,
  data: Partial<Data<'burn-event'>> = {},
): TelemetryRecord {
  return {
    seq,
    at: iso(PLACED + minutes * 60_000),
    kind: 'burn-event',
    data: { trackingNumber, kind, attempt: 1, burnerId: 'image-1', ...data },
  };
}

export function recordingRecord(
  seq: number,
  trackingNumber: string,
  data: Partial<Data<'recording'>> = {},
): TelemetryRecord {
  return {
    seq,
    at: iso(PLACED + 10 * 60_000),
    kind: 'recording',
    data: {
      trackingNumber,
      recordingNumber: 1,
      recordingId: 'REC-0001',
      burnerId: 'image-1',
      startedAt: iso(PLACED + 3 * 60_000),
      finishedAt: iso(PLACED + 9 * 60_000),
      ...data,
    },
  };
}
