import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { dialectOf, portableColumns, type Migration, type PortableColumns } from '@jukebox/db';

/**
 * SQLite only: the tables keyed by a composite or text primary key and without a secondary
 * index that would grow from it become `WITHOUT ROWID` tables, stored as one B-tree ordered by
 * the key instead of a rowid table plus an index on the key. Each telemetry batch thus writes
 * (and fsyncs) fewer pages: measured on the fleet telemetry bench, the records and play counts
 * no longer keep a second tree each.
 *
 * plays, ledger_mirror and song_requests stay rowid tables: their time index would have to
 * carry the whole key (box, seq) instead of a rowid and was measured to write about twice the
 * pages per batch.
 *
 * Each table is rebuilt the way SQLite documents for changes ALTER TABLE cannot make: create
 * the new table, copy every row, drop the old one, rename, recreate its indexes. All of it is
 * one transaction, so a failure leaves the old tables as they were; a run repeated after a
 * commit that was not recorded rebuilds them once more, which keeps the same rows. The columns,
 * keys, checks and references are those of 0004_box_link and 0006_retail. PostgreSQL has no
 * rowid and is left alone.
 */
export const migration0007WithoutRowid: Migration = {
  async up(db: Kysely<unknown>) {
    if (dialectOf(db) !== 'sqlite') return;
    const c = portableColumns(db);
    await db.transaction().execute(async (trx) => {
      for (const table of tables(c)) await rebuild(trx, table);
    });
  },
};

interface RebuiltTable {
  name: string;
  columns: string[];
  /** Adds the columns and constraints (not the name, not WITHOUT ROWID). */
  define: (t: CreateTableBuilder<string, string>) => CreateTableBuilder<string, string>;
  indexes: { name: string; columns: string[] }[];
}

function tables(c: PortableColumns): RebuiltTable[] {
  return [
    {
      name: 'telemetry_records',
      columns: ['box_id', 'seq', 'kind', 'at', 'received_at', 'data'],
      define: (t) =>
        t
          .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
          .addColumn('seq', 'bigint', (col) => col.notNull())
          .addColumn('kind', 'text', (col) => col.notNull())
          .addColumn('at', c.timestamp, (col) => col.notNull())
          .addColumn('received_at', c.timestamp, (col) => col.notNull())
          .addColumn('data', c.json, (col) => col.notNull())
          .addPrimaryKeyConstraint('telemetry_records_pk', ['box_id', 'seq']),
      indexes: [],
    },
    {
      name: 'play_counts',
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
      define: (t) =>
        t
          .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
          .addColumn('track_key', 'text', (col) => col.notNull())
          .addColumn('catalog_id', 'text')
          .addColumn('title', 'text', (col) => col.notNull())
          .addColumn('artist', 'text', (col) => col.notNull())
          .addColumn('plays', 'bigint', (col) => col.notNull())
          .addColumn('completed_plays', 'bigint', (col) => col.notNull())
          .addColumn('paid_credits', 'bigint', (col) => col.notNull())
          .addColumn('last_played_at', c.timestamp, (col) => col.notNull())
          .addPrimaryKeyConstraint('play_counts_pk', ['box_id', 'track_key']),
      indexes: [],
    },
    {
      name: 'song_request_counts',
      columns: ['normalized', 'sample_text', 'requests', 'first_at', 'last_at'],
      define: (t) =>
        t
          // NOT NULL is implied by WITHOUT ROWID; said here so the definition reads the same.
          .addColumn('normalized', 'text', (col) => col.primaryKey().notNull())
          .addColumn('sample_text', 'text', (col) => col.notNull())
          .addColumn('requests', 'bigint', (col) => col.notNull())
          .addColumn('first_at', c.timestamp, (col) => col.notNull())
          .addColumn('last_at', c.timestamp, (col) => col.notNull()),
      indexes: [],
    },
    {
      name: 'retail_order_tracks',
      columns: [
        'order_id',
        'position',
        'local_track_id',
        'catalog_id',
        'isrc',
        'title',
        'artist',
        'duration_ms',
      ],
      define: (t) =>
        t
          .addColumn('order_id', c.reference, (col) =>
            col.notNull().references('retail_orders.id').onDelete('cascade'),
          )
          .addColumn('position', 'integer', (col) => col.notNull())
          .addColumn('local_track_id', 'bigint', (col) => col.notNull())
          .addColumn('catalog_id', 'text')
          .addColumn('isrc', 'text')
          .addColumn('title', 'text', (col) => col.notNull())
          .addColumn('artist', 'text', (col) => col.notNull())
          .addColumn('duration_ms', 'bigint', (col) => col.notNull())
          .addPrimaryKeyConstraint('retail_order_tracks_pk', ['order_id', 'position']),
      indexes: [],
    },
    {
      // Its index already holds the key (box, seq): without the rowid it is no larger.
      name: 'retail_burn_events',
      columns: ['box_id', 'seq', 'tracking_number', 'kind', 'attempt', 'burner_id', 'detail', 'at'],
      define: (t) =>
        t
          .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
          .addColumn('seq', 'bigint', (col) => col.notNull())
          .addColumn('tracking_number', 'text', (col) => col.notNull())
          .addColumn('kind', 'text', (col) => col.notNull())
          .addColumn('attempt', 'integer', (col) => col.notNull())
          .addColumn('burner_id', 'text')
          .addColumn('detail', 'text')
          .addColumn('at', c.timestamp, (col) => col.notNull())
          .addPrimaryKeyConstraint('retail_burn_events_pk', ['box_id', 'seq']),
      indexes: [
        { name: 'retail_burn_events_order', columns: ['box_id', 'tracking_number', 'seq'] },
      ],
    },
    {
      // Its index (box, tracking number) gains seq in place of the rowid.
      name: 'retail_recordings',
      columns: [
        'box_id',
        'seq',
        'tracking_number',
        'recording_number',
        'recording_id',
        'burner_id',
        'media_serial',
        'started_at',
        'finished_at',
      ],
      define: (t) =>
        t
          .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
          .addColumn('seq', 'bigint', (col) => col.notNull())
          .addColumn('tracking_number', 'text', (col) => col.notNull())
          .addColumn('recording_number', 'bigint', (col) => col.notNull())
          .addColumn('recording_id', 'text', (col) => col.notNull())
          .addColumn('burner_id', 'text', (col) => col.notNull())
          .addColumn('media_serial', 'text')
          .addColumn('started_at', c.timestamp, (col) => col.notNull())
          .addColumn('finished_at', c.timestamp, (col) => col.notNull())
          .addPrimaryKeyConstraint('retail_recordings_pk', ['box_id', 'seq']),
      indexes: [{ name: 'retail_recordings_order', columns: ['box_id', 'tracking_number'] }],
    },
  ];
}

async function rebuild(db: Kysely<unknown>, table: RebuiltTable): Promise<void> {
  const next = `${table.name}_without_rowid`;
  await db.schema.dropTable(next).ifExists().execute();
  await table
    .define(db.schema.createTable(next))
    .modifyEnd(sql`without rowid`)
    .execute();
  const columns = sql.join(table.columns.map((column) => sql.id(column)));
  await sql`insert into ${sql.table(next)} (${columns}) select ${columns} from ${sql.table(table.name)}`.execute(
    db,
  );
  // Dropping the table drops its indexes; none of these tables is referenced by another.
  await db.schema.dropTable(table.name).execute();
  await db.schema.alterTable(next).renameTo(table.name).execute();
  for (const index of table.indexes) {
    await db.schema.createIndex(index.name).on(table.name).columns(index.columns).execute();
  }
}
