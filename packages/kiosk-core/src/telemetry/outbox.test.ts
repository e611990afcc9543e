import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, openDatabase, type Db } from '../db/index.js';
import { Library } from '../library/index.js';
import { record } from '../library/test-support/records.js';
import { memoryLog } from '../library/test-support/silent-log.js';
import { CreditLedger } from '../money/ledger.js';
import { coin, testPricing } from '../money/test-support/ledger-fixture.js';
import { PlayLog } from '../plays/play-log.js';
import { TelemetryOutbox } from './outbox.js';
import { SongRequests } from './song-requests.js';

let dir: string;
let db: Db;
let trackA: number;

function library(d: Db): number {
  const lib = new Library(d, {
    dataDir: dir,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  lib.insertRecords([record({ title: 'Alpha', artist: 'One', isrc: 'USABC2600001' })]);
  return lib.listTracks({ sort: 'title', offset: 0, limit: 1 }).items[0]!.id;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kc-telemetry-'));
  db = openDatabase(join(dir, 'box.db'));
  trackA = library(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('telemetry outbox', () => {
  it('gets a record for each ledger row, ended play and song request, in one sequence', () => {
    const outbox = new TelemetryOutbox(db);
    const ledger = new CreditLedger(db, testPricing);
    const plays = new PlayLog(db);
    ledger.creditFromDevice(coin(1));
    const play = plays.start({ boxId: 'box', trackId: trackA, entryId: null });
    // A play that has only started is not reported yet: it may still fail.
    expect(outbox.pending(0, 10).map((r) => r.kind)).toEqual(['ledger']);
    plays.finish(play, { status: 'completed', playedMs: 1000 });
    new SongRequests(db).add('Purple Rain');
    const records = outbox.pending(0, 10);
    expect(records.map((r) => [r.seq, r.kind])).toEqual([
      [1, 'ledger'],
      [2, 'play'],
      [3, 'song-request'],
    ]);
    expect(records[0]?.data).toMatchObject({ kind: 'credit', credits: 1, valueCents: 25 });
    expect(records[1]?.data).toMatchObject({
      playSeq: play,
      trackId: trackA,
      catalogId: null,
      isrc: 'USABC2600001',
      title: 'Alpha',
      artist: 'One',
      completed: true,
      playedMs: 1000,
      paidCredits: 0,
    });
    expect(records[2]?.data).toEqual({ requestId: 1, text: 'Purple Rain' });
    expect(outbox.lastSeq()).toBe(3);
  });

  it('a play cut short by a restart goes up as not completed', () => {
    const plays = new PlayLog(db);
    plays.start({ boxId: 'box', trackId: trackA, entryId: null });
    plays.recover();
    const [r] = new TelemetryOutbox(db).pending(0, 10);
    expect(r).toMatchObject({ kind: 'play', data: { completed: false } });
  });

  it('forgets only what the server acknowledged, never goes back, refuses an ack from the future', () => {
    const outbox = new TelemetryOutbox(db);
    const requests = new SongRequests(db);
    for (const t of ['a one', 'b two', 'c three']) requests.add(t);
    expect(outbox.acknowledge(2)).toEqual({ ok: true, acked: 2 });
    expect(outbox.pending(0, 10).map((r) => r.seq)).toEqual([3]);
    expect(outbox.acknowledge(1)).toEqual({ ok: true, acked: 2 });
    expect(outbox.acknowledge(4)).toMatchObject({ ok: false });
    expect(outbox.acknowledge(-1)).toMatchObject({ ok: false });
    expect(outbox.acknowledge(1.5)).toMatchObject({ ok: false });
    expect(outbox.ackedSeq()).toBe(2);
    expect(outbox.unacknowledged()).toBe(1);
    // A seq is never reused after the rows before it were deleted.
    expect(outbox.acknowledge(3)).toEqual({ ok: true, acked: 3 });
    expect(outbox.recordStatus({ diskFreeBytes: 1 })).toBe(4);
  });

  it('a song asked again within ten minutes counts once; later it counts again', () => {
    let now = new Date('2026-11-22T20:00:00Z');
    const requests = new SongRequests(db, () => now);
    expect(requests.add('Purple Rain')).toEqual({ id: 1, repeated: false });
    expect(requests.add('purple  RAIN')).toEqual({ id: 1, repeated: true });
    expect(requests.add('Pürple Rain')).toEqual({ id: 1, repeated: true });
    now = new Date('2026-11-22T20:11:00Z');
    expect(requests.add('Purple Rain')).toEqual({ id: 2, repeated: false });
    expect(new TelemetryOutbox(db).pending(0, 10)).toHaveLength(2);
  });

  it('a box upgraded with history sends that history up too', () => {
    // A database at migration 4 with money and plays, then migration 5 is applied.
    const old = join(dir, 'old-migrations');
    mkdirSync(old);
    for (const f of readdirSync(defaultMigrationsDir).filter((f) => f < '0005')) {
      copyFileSync(join(defaultMigrationsDir, f), join(old, f));
    }
    const oldDb = openDatabase(join(dir, 'old.db'), { skipMigrations: true });
    migrate(oldDb, { migrationsDir: old });
    const track = library(oldDb);
    new CreditLedger(oldDb, testPricing).creditFromDevice(coin(1));
    const plays = new PlayLog(oldDb);
    plays.finish(plays.start({ boxId: 'box', trackId: track, entryId: null }), {
      status: 'completed',
      playedMs: 5,
    });
    plays.start({ boxId: 'box', trackId: track, entryId: null }); // still playing: not sent
    migrate(oldDb);
    const records = new TelemetryOutbox(oldDb).pending(0, 10);
    expect(records.map((r) => r.kind)).toEqual(['ledger', 'play']);
    oldDb.close();
  });
});
