import { migrateToLatest, openDatabase, type MigrationSet } from '@jukebox/db';
import { testDatabaseTargets, type TestDatabase } from '@jukebox/db/testing';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetDatabase } from '../schema.js';
import { migration0007WithoutRowid } from './0007_without_rowid.js';
import { fleetMigrations } from './index.js';

const REBUILT = [
  'telemetry_records',
  'play_counts',
  'song_request_counts',
  'retail_order_tracks',
  'retail_burn_events',
  'retail_recordings',
] as const;

/** The migrations released before 0007: what a database being upgraded carries. */
const before0007: MigrationSet = Object.fromEntries(
  Object.entries(fleetMigrations).filter(([name]) => name < '0007'),
);

const T = Date.UTC(2026, 5, 12, 20, 0, 0);

/** A few rows in every rebuilt table (and in plays, which stays as it is). */
async function fill(db: Kysely<FleetDatabase>): Promise<void> {
  for (const id of ['box-a', 'box-b']) {
    await db
      .insertInto('boxes')
      .values({ id, name: id, route_id: null, status: 'active', created_at: T, revoked_at: null })
      .execute();
  }
  await db
    .insertInto('telemetry_records')
    .values(
      [1, 2, 3, 10].flatMap((seq) =>
        ['box-a', 'box-b'].map((box_id) => ({
          box_id,
          seq,
          kind: 'play',
          at: T + seq,
          received_at: T + 1000,
          data: JSON.stringify({ seq, box_id, note: 'café' }),
        })),
      ),
    )
    .execute();
  await db
    .insertInto('plays')
    .values({
      box_id: 'box-a',
      seq: 1,
      play_seq: 1,
      track_key: 'catalog:trk-1',
      catalog_id: 'trk-1',
      local_track_id: 7,
      isrc: null,
      title: 'Song',
      artist: 'Band',
      started_at: T,
      ended_at: T + 180_000,
      completed: 1,
      played_ms: 180_000,
      paid_credits: 1,
    })
    .execute();
  await db
    .insertInto('play_counts')
    .values([
      {
        box_id: 'box-a',
        track_key: 'catalog:trk-1',
        catalog_id: 'trk-1',
        title: 'Song',
        artist: 'Band',
        plays: 3,
        completed_plays: 2,
        paid_credits: 3,
        last_played_at: T,
      },
      {
        box_id: 'box-b',
        track_key: 'local:band|song',
        catalog_id: null,
        title: 'Song',
        artist: 'Band',
        plays: 1,
        completed_plays: 1,
        paid_credits: 0,
        last_played_at: T + 5,
      },
    ])
    .execute();
  await db
    .insertInto('song_request_counts')
    .values([
      {
        normalized: 'cafe del mar',
        sample_text: 'Café del Mar',
        requests: 4,
        first_at: T,
        last_at: T + 9,
      },
      {
        normalized: 'thunderstruck',
        sample_text: 'Thunderstruck',
        requests: 1,
        first_at: T,
        last_at: T,
      },
    ])
    .execute();
  const order = await db
    .insertInto('retail_orders')
    .values({
      box_id: 'box-a',
      tracking_number: 'JBX-0001',
      seq: 3,
      title: 'Mix',
      track_count: 2,
      duration_ms: 400_000,
      price: 1200,
      currency: 'EUR',
      voucher_credits: 0,
      customer_name: null,
      customer_email: null,
      placed_at: T,
      status: 'burning',
      status_at: T + 2,
      last_event_at: T + 2,
      attempt: 1,
      failed_attempts: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('retail_order_tracks')
    .values(
      [1, 2].map((position) => ({
        order_id: order.id,
        position,
        local_track_id: position,
        catalog_id: `trk-${position}`,
        isrc: null,
        title: `Track ${position}`,
        artist: 'Band',
        duration_ms: 200_000,
      })),
    )
    .execute();
  await db
    .insertInto('retail_burn_events')
    .values(
      (['assembled', 'burn-started'] as const).map((kind, i) => ({
        box_id: 'box-a',
        seq: 4 + i,
        tracking_number: 'JBX-0001',
        kind,
        attempt: 1,
        burner_id: 'burner-1',
        detail: null,
        at: T + 1 + i,
      })),
    )
    .execute();
  await db
    .insertInto('retail_recordings')
    .values({
      box_id: 'box-a',
      seq: 6,
      tracking_number: 'JBX-0001',
      recording_number: 1,
      recording_id: 'rec-1',
      burner_id: 'burner-1',
      media_serial: null,
      started_at: T + 1,
      finished_at: T + 2,
    })
    .execute();
}

/** Every row of the rebuilt tables (and plays), in key order. */
async function snapshot(db: Kysely<FleetDatabase>) {
  return {
    telemetry_records: await db
      .selectFrom('telemetry_records')
      .selectAll()
      .orderBy('box_id')
      .orderBy('seq')
      .execute(),
    plays: await db.selectFrom('plays').selectAll().orderBy('box_id').orderBy('seq').execute(),
    play_counts: await db
      .selectFrom('play_counts')
      .selectAll()
      .orderBy('box_id')
      .orderBy('track_key')
      .execute(),
    song_request_counts: await db
      .selectFrom('song_request_counts')
      .selectAll()
      .orderBy('normalized')
      .execute(),
    retail_order_tracks: await db
      .selectFrom('retail_order_tracks')
      .selectAll()
      .orderBy('order_id')
      .orderBy('position')
      .execute(),
    retail_burn_events: await db
      .selectFrom('retail_burn_events')
      .selectAll()
      .orderBy('box_id')
      .orderBy('seq')
      .execute(),
    retail_recordings: await db
      .selectFrom('retail_recordings')
      .selectAll()
      .orderBy('box_id')
      .orderBy('seq')
      .execute(),
  };
}

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`migration 0007_without_rowid on ${target.dialect}`, () => {
    let database: TestDatabase;
    let db: Kysely<FleetDatabase>;
    let rows: Awaited<ReturnType<typeof snapshot>>;

    beforeAll(async () => {
      database = await target.create();
      db = await openDatabase<FleetDatabase>({ url: database.url });
      await migrateToLatest(db, before0007);
      await fill(db);
      rows = await snapshot(db);
    });
    afterAll(async () => {
      await db?.destroy();
      await database?.dispose();
    });

    it('keeps every row of the tables it rebuilds', async () => {
      const report = await migrateToLatest(db, fleetMigrations);
      expect(report.applied).toEqual(['0007_without_rowid']);
      expect(rows.telemetry_records).toHaveLength(8);
      expect(rows.retail_burn_events).toHaveLength(2);
      expect(await snapshot(db)).toEqual(rows);
    });

    it.runIf(target.dialect === 'sqlite')(
      'stores them without rowid, with their indexes',
      async () => {
        const { rows: schema } = await sql<{
          type: string;
          name: string;
          tbl_name: string;
          sql: string;
        }>`
          select type, name, tbl_name, sql from sqlite_master where sql is not null`.execute(db);
        for (const table of REBUILT) {
          const created = schema.find((s) => s.type === 'table' && s.name === table);
          expect(created?.sql, table).toMatch(/\)\s*without rowid$/i);
        }
        // No copy left behind, and the rowid tables keep theirs.
        expect(schema.filter((s) => s.name.endsWith('_without_rowid'))).toEqual([]);
        expect(schema.find((s) => s.name === 'plays')?.sql).not.toMatch(/without rowid/i);
        const indexes = schema
          .filter((s) => s.type === 'index')
          .map((s) => `${s.tbl_name}.${s.name}`);
        expect(indexes).toEqual(
          expect.arrayContaining([
            'retail_burn_events.retail_burn_events_order',
            'retail_recordings.retail_recordings_order',
          ]),
        );
        const { rows: fkProblems } = await sql`pragma foreign_key_check`.execute(db);
        expect(fkProblems).toEqual([]);
      },
    );

    it('still refuses a second row with the same key', async () => {
      const same = rows;
      const duplicates = [
        db.insertInto('telemetry_records').values(same.telemetry_records[0]!),
        db.insertInto('play_counts').values(same.play_counts[0]!),
        db.insertInto('song_request_counts').values(same.song_request_counts[0]!),
        db.insertInto('retail_order_tracks').values(same.retail_order_tracks[0]!),
        db.insertInto('retail_burn_events').values(same.retail_burn_events[0]!),
        db.insertInto('retail_recordings').values(same.retail_recordings[0]!),
      ];
      for (const insert of duplicates) {
        await expect(insert.execute(), insert.compile().sql).rejects.toThrow(/unique|duplicate/i);
      }
      // The references hold too: a record of a box that does not exist is refused.
      await expect(
        db
          .insertInto('telemetry_records')
          .values({ ...same.telemetry_records[0]!, box_id: 'box-unknown' })
          .execute(),
      ).rejects.toThrow(/foreign key/i);
      expect(await snapshot(db)).toEqual(rows);
    });

    it('keeps the rows when run again (a commit that was not recorded)', async () => {
      await migration0007WithoutRowid.up(db as unknown as Kysely<unknown>);
      expect(await snapshot(db)).toEqual(rows);
    });
  });
}
