import type { Insertable, Kysely, Transaction } from 'kysely';
import { encodeJson, RowBatchStatement } from '@jukebox/db';
import type { TelemetryRecord } from '@jukebox/protocol';
import type { FleetDatabase } from '../db/schema.js';
import { deriveRetail } from '../retail/derive.js';
import { normalizeRequestText, playTrackKey } from './normalize.js';
import type {
  LedgerMirrorTable,
  PlayCountsTable,
  PlaysTable,
  SongRequestCountsTable,
  SongRequestsTable,
} from './schema.js';

type Rec<K extends TelemetryRecord['kind']> = Extract<TelemetryRecord, { kind: K }>;

/**
 * Milliseconds of a wire time. Boxes send `Date.prototype.toISOString()` output
 * (`2026-06-12T20:00:00.000Z`), which is read here digit by digit: `Date.parse` costs several
 * times more, and a batch of 500 records has about 750 times to read. Anything else the wire
 * schema allows (other precisions, odd values) goes to `Date.parse`, so the result is always
 * the same as its.
 */
export function isoMs(iso: string): number {
  if (
    iso.length !== 24 ||
    iso.charCodeAt(4) !== 45 || // -
    iso.charCodeAt(7) !== 45 ||
    iso.charCodeAt(10) !== 84 || // T
    iso.charCodeAt(13) !== 58 || // :
    iso.charCodeAt(16) !== 58 ||
    iso.charCodeAt(19) !== 46 || // .
    iso.charCodeAt(23) !== 90 // Z
  ) {
    return Date.parse(iso);
  }
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 2);
  const day = digits(iso, 8, 2);
  const hour = digits(iso, 11, 2);
  const minute = digits(iso, 14, 2);
  const second = digits(iso, 17, 2);
  const milli = digits(iso, 20, 3);
  // Non-digits read as -1. Fields out of range (a 30th of February) and years before 1000,
  // which no box sends, are left to Date.parse to judge.
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    milli < 0
  ) {
    return Date.parse(iso);
  }
  return (
    daysSinceEpoch(year, month, day) * 86_400_000 +
    hour * 3_600_000 +
    minute * 60_000 +
    second * 1000 +
    milli
  );
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year >= 1), counted in
 * 400-year eras of 146,097 days with years starting in March, so that the leap day comes last.
 * Integer arithmetic only: with `Date.UTC` instead, isoMs took about twice as long.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  // 719,468 days from 0000-03-01 to 1970-01-01.
  return era * 146_097 + dayOfEra - 719_468;
}

/** The decimal number in `count` characters from `from`, or -1 if one is not a digit. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const ms = isoMs;

/*
 * The derived rows are written by statements of fixed shapes (see RowBatchStatement in
 * @jukebox/db): a batch of 500 records is a few multi-row statements per table, each compiled
 * once per process and, on SQLite, prepared once.
 */

const insertPlays = new RowBatchStatement({
  columns: [
    'box_id',
    'seq',
    'play_seq',
    'track_key',
    'catalog_id',
    'local_track_id',
    'isrc',
    'title',
    'artist',
    'started_at',
    'ended_at',
    'completed',
    'played_ms',
    'paid_credits',
  ],
  build: (db: Kysely<FleetDatabase>, rows: Insertable<PlaysTable>[]) =>
    db.insertInto('plays').values(rows),
});

/** Adds a batch's per-track sums to the counts; title and artist follow the newest play. */
const addPlayCounts = new RowBatchStatement({
  columns: [
    'box_id',
    'track_key',
    'catalog_id',
    'title',
    'artist',
    'plays',
    'completed_plays',
    'paid_credits',
    'last_played_at',
  ],
  build: (db: Kysely<FleetDatabase>, rows: Insertable<PlayCountsTable>[]) =>
    db
      .insertInto('play_counts')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['box_id', 'track_key']).doUpdateSet((eb) => {
          const newer = eb('excluded.last_played_at', '>=', eb.ref('play_counts.last_played_at'));
          return {
            plays: eb('play_counts.plays', '+', eb.ref('excluded.plays')),
            completed_plays: eb(
              'play_counts.completed_plays',
              '+',
              eb.ref('excluded.completed_plays'),
            ),
            paid_credits: eb('play_counts.paid_credits', '+', eb.ref('excluded.paid_credits')),
            last_played_at: eb
              .case()
              .when(newer)
              .then(eb.ref('excluded.last_played_at'))
              .else(eb.ref('play_counts.last_played_at'))
              .end(),
            title: eb
              .case()
              .when(newer)
              .then(eb.ref('excluded.title'))
              .else(eb.ref('play_counts.title'))
              .end(),
            artist: eb
              .case()
              .when(newer)
              .then(eb.ref('excluded.artist'))
              .else(eb.ref('play_counts.artist'))
              .end(),
          };
        }),
      ),
});

const insertLedger = new RowBatchStatement({
  columns: [
    'box_id',
    'seq',
    'entry_seq',
    'kind',
    'credits',
    'value_cents',
    'denomination',
    'reason',
    'staff',
    'bonus',
    'balance_after',
    'ref',
    'at',
  ],
  build: (db: Kysely<FleetDatabase>, rows: Insertable<LedgerMirrorTable>[]) =>
    db.insertInto('ledger_mirror').values(rows),
});

const insertSongRequests = new RowBatchStatement({
  columns: ['box_id', 'seq', 'request_id', 'text', 'normalized', 'artist', 'title', 'at'],
  build: (db: Kysely<FleetDatabase>, rows: Insertable<SongRequestsTable>[]) =>
    db.insertInto('song_requests').values(rows),
});

/** Adds a batch's per-text sums to the request counts (fleet-wide). */
const addSongRequestCounts = new RowBatchStatement({
  columns: ['normalized', 'sample_text', 'requests', 'first_at', 'last_at'],
  build: (db: Kysely<FleetDatabase>, rows: Insertable<SongRequestCountsTable>[]) =>
    db
      .insertInto('song_request_counts')
      .values(rows)
      .onConflict((oc) =>
        oc.column('normalized').doUpdateSet((eb) => ({
          requests: eb('song_request_counts.requests', '+', eb.ref('excluded.requests')),
          first_at: eb
            .case()
            .when('excluded.first_at', '<', eb.ref('song_request_counts.first_at'))
            .then(eb.ref('excluded.first_at'))
            .else(eb.ref('song_request_counts.first_at'))
            .end(),
          last_at: eb
            .case()
            .when('excluded.last_at', '>', eb.ref('song_request_counts.last_at'))
            .then(eb.ref('excluded.last_at'))
            .else(eb.ref('song_request_counts.last_at'))
            .end(),
        })),
      ),
});

/**
 * Writes what telemetry records mean (plays, play counts, ledger rows, song requests and their
 * counts, the last status; retail orders in retail/derive.ts) in the caller's transaction.
 * Called with the records that were newly stored only, so each record counts exactly once.
 */
export async function deriveFromRecords(
  trx: Transaction<FleetDatabase>,
  boxId: string,
  records: readonly TelemetryRecord[],
): Promise<void> {
  const plays: Rec<'play'>[] = [];
  const ledger: Rec<'ledger'>[] = [];
  const requests: Rec<'song-request'>[] = [];
  let status: Rec<'status'> | undefined;
  for (const r of records) {
    switch (r.kind) {
      case 'play':
        plays.push(r);
        break;
      case 'ledger':
        ledger.push(r);
        break;
      case 'song-request':
        requests.push(r);
        break;
      case 'status':
        if (!status || ms(r.at) >= ms(status.at)) status = r;
        break;
    }
  }
  if (plays.length) await writePlays(trx, boxId, plays);
  if (ledger.length) await writeLedger(trx, boxId, ledger);
  if (requests.length) await writeSongRequests(trx, boxId, requests);
  await deriveRetail(trx, boxId, records);
  if (status) {
    const at = ms(status.at);
    await trx
      .updateTable('box_link_state')
      .set({ last_status: encodeJson(status.data), last_status_at: at })
      .where('box_id', '=', boxId)
      .where((eb) => eb.or([eb('last_status_at', 'is', null), eb('last_status_at', '<=', at)]))
      .execute();
  }
}

async function writePlays(
  trx: Transaction<FleetDatabase>,
  boxId: string,
  plays: Rec<'play'>[],
): Promise<void> {
  const counts = new Map<string, Insertable<PlayCountsTable>>();
  const rows = plays.map(({ seq, data: d }) => {
    const trackKey = playTrackKey(d);
    const startedAt = ms(d.startedAt);
    const completed = d.completed ? 1 : 0;
    // One row per key in the upsert below: PostgreSQL refuses to update a row twice in one
    // statement, so the batch is summed here first.
    const count = counts.get(trackKey);
    if (count) {
      count.plays += 1;
      count.completed_plays += completed;
      count.paid_credits += d.paidCredits;
      if (startedAt >= count.last_played_at) {
        count.last_played_at = startedAt;
        count.title = d.title;
        count.artist = d.artist;
      }
    } else {
      counts.set(trackKey, {
        box_id: boxId,
        track_key: trackKey,
        catalog_id: d.catalogId ?? null,
        title: d.title,
        artist: d.artist,
        plays: 1,
        completed_plays: completed,
        paid_credits: d.paidCredits,
        last_played_at: startedAt,
      });
    }
    return {
      box_id: boxId,
      seq,
      play_seq: d.playSeq,
      track_key: trackKey,
      catalog_id: d.catalogId ?? null,
      local_track_id: d.localTrackId,
      isrc: d.isrc ?? null,
      title: d.title,
      artist: d.artist,
      started_at: startedAt,
      ended_at: d.endedAt === undefined ? null : ms(d.endedAt),
      completed,
      played_ms: d.playedMs ?? null,
      paid_credits: d.paidCredits,
    };
  });
  await insertPlays.execute(trx, rows);
  await addPlayCounts.execute(trx, [...counts.values()]);
}

async function writeLedger(
  trx: Transaction<FleetDatabase>,
  boxId: string,
  entries: Rec<'ledger'>[],
): Promise<void> {
  await insertLedger.execute(
    trx,
    entries.map(({ seq, at, data: d }) => ({
      box_id: boxId,
      seq,
      entry_seq: d.entrySeq,
      kind: d.kind,
      credits: d.credits,
      value_cents: d.valueCents ?? null,
      denomination: d.denomination ?? null,
      reason: d.reason ?? null,
      staff: d.staff ?? null,
      bonus: d.bonus ?? null,
      balance_after: d.balanceAfter ?? null,
      ref: d.ref ?? null,
      at: ms(at),
    })),
  );
}

async function writeSongRequests(
  trx: Transaction<FleetDatabase>,
  boxId: string,
  requests: Rec<'song-request'>[],
): Promise<void> {
  const counts = new Map<string, Insertable<SongRequestCountsTable>>();
  const rows = requests.map(({ seq, at, data: d }) => {
    const normalized = normalizeRequestText(d.text);
    const when = ms(at);
    const count = counts.get(normalized);
    if (count) {
      count.requests += 1;
      count.first_at = Math.min(count.first_at, when);
      count.last_at = Math.max(count.last_at, when);
    } else {
      counts.set(normalized, {
        normalized,
        sample_text: d.text,
        requests: 1,
        first_at: when,
        last_at: when,
      });
    }
    return {
      box_id: boxId,
      seq,
      request_id: d.requestId ?? null,
      text: d.text,
      normalized,
      artist: d.artist ?? null,
      title: d.title ?? null,
      at: when,
    };
  });
  await insertSongRequests.execute(trx, rows);
  await addSongRequestCounts.execute(trx, [...counts.values()]);
}
