import type { TelemetryRecord } from '@jukebox/protocol';

/*
 * Telemetry records for tests, valid by the wire schemas. `at` defaults to a fixed time;
 * pass the test clock's time where reports filter by time.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

export function playRecord(
  seq: number,
  data: Partial<Extract<TelemetryRecord, { kind: 'play' }>['data']> = {},
  at = T0,
): TelemetryRecord {
  return {
    seq,
    at: iso(at),
    kind: 'play',
    data: {
      playSeq: seq,
      catalogId: 'trk-1',
      localTrackId: 1,
      title: 'Heroes',
      artist: 'David Bowie',
      startedAt: iso(at - 240_000),
      endedAt: iso(at),
      completed: true,
      playedMs: 240_000,
      paidCredits: 1,
      ...data,
    },
  };
}

export function ledgerRecord(
  seq: number,
  data: Partial<Extract<TelemetryRecord, { kind: 'ledger' }>['data']> = {},
  at = T0,
): TelemetryRecord {
  return {
    seq,
    at: iso(at),
    kind: 'ledger',
    data: {
      entrySeq: seq,
      kind: 'credit',
      credits: 2,
      valueCents: 100,
      denomination: 'EUR1',
      ...data,
    },
  };
}

export function songRequestRecord(seq: number, text: string, at = T0): TelemetryRecord {
  return { seq, at: iso(at), kind: 'song-request', data: { text } };
}

export function statusRecord(
  seq: number,
  data: Partial<Extract<TelemetryRecord, { kind: 'status' }>['data']> = {},
  at = T0,
): TelemetryRecord {
  return {
    seq,
    at: iso(at),
    kind: 'status',
    data: {
      software: '1.0.0',
      diskFreeBytes: 50,
      diskTotalBytes: 100,
      manifestVersion: 0,
      libraryTracks: 0,
      ...data,
    },
  };
}
