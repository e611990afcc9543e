import { sql, type Kysely } from 'kysely';
import { portableColumns, type Migration } from '@jukebox/db';

/**
 * Retail orders taken up from the terminals' telemetry (see retail/schema.ts): the orders with
 * their current status and progress times, their tracks, the burn events and the recordings.
 * Burn events and recordings are keyed like telemetry (box, seq) and carry the tracking number
 * rather than a reference to the order, so one that arrives before its order is kept and joins
 * it when the order comes.
 */
export const migration0006Retail: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);

    await db.schema
      .createTable('retail_orders')
      .$call(c.primaryId())
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('tracking_number', 'text', (col) => col.notNull())
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('track_count', 'integer', (col) => col.notNull())
      .addColumn('duration_ms', 'bigint', (col) => col.notNull())
      .addColumn('price', 'integer', (col) => col.notNull())
      .addColumn('currency', 'text', (col) => col.notNull())
      .addColumn('voucher_credits', 'integer', (col) => col.notNull())
      .addColumn('customer_name', 'text')
      .addColumn('customer_email', 'text')
      .addColumn('placed_at', c.timestamp, (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('status_at', c.timestamp, (col) => col.notNull())
      .addColumn('last_event_at', c.timestamp, (col) => col.notNull())
      .addColumn('attempt', 'integer', (col) => col.notNull())
      .addColumn('failed_attempts', 'integer', (col) => col.notNull())
      .addColumn('assembled_at', c.timestamp)
      .addColumn('burn_started_at', c.timestamp)
      .addColumn('burn_finished_at', c.timestamp)
      .addColumn('done_at', c.timestamp)
      .addColumn('refunded_at', c.timestamp)
      .addUniqueConstraint('retail_orders_box_number', ['box_id', 'tracking_number'])
      .addCheckConstraint(
        'retail_orders_status',
        sql`status in ('queued', 'assembling', 'burning', 'verifying', 'done', 'refunded')`,
      )
      .execute();
    // The public page looks orders up by tracking number alone.
    await db.schema
      .createIndex('retail_orders_tracking_number')
      .on('retail_orders')
      .column('tracking_number')
      .execute();
    // The staff list filters by status, newest first.
    await db.schema
      .createIndex('retail_orders_status')
      .on('retail_orders')
      .columns(['status', 'id'])
      .execute();

    await db.schema
      .createTable('retail_order_tracks')
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
      .addPrimaryKeyConstraint('retail_order_tracks_pk', ['order_id', 'position'])
      .execute();

    await db.schema
      .createTable('retail_burn_events')
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('tracking_number', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('attempt', 'integer', (col) => col.notNull())
      .addColumn('burner_id', 'text')
      .addColumn('detail', 'text')
      .addColumn('at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('retail_burn_events_pk', ['box_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('retail_burn_events_order')
      .on('retail_burn_events')
      .columns(['box_id', 'tracking_number', 'seq'])
      .execute();

    await db.schema
      .createTable('retail_recordings')
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('tracking_number', 'text', (col) => col.notNull())
      .addColumn('recording_number', 'bigint', (col) => col.notNull())
      .addColumn('recording_id', 'text', (col) => col.notNull())
      .addColumn('burner_id', 'text', (col) => col.notNull())
      .addColumn('media_serial', 'text')
      .addColumn('started_at', c.timestamp, (col) => col.notNull())
      .addColumn('finished_at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('retail_recordings_pk', ['box_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('retail_recordings_order')
      .on('retail_recordings')
      .columns(['box_id', 'tracking_number'])
      .execute();
  },
};
