import { sql, type Kysely } from 'kysely';
import { portableColumns, type Migration } from '@jukebox/db';

/**
 * The box link (see box-link/schema.ts): one-time enrollment codes, the boxes' public keys,
 * the server's own keys, telemetry as received (idempotent on box and seq) and what is
 * derived from it in the same transaction: plays, play counts, the ledger mirror, song
 * requests and their counts, and each box's link state (ack, last hello, last status).
 */
export const migration0004BoxLink: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);

    await db.schema
      .createTable('enrollment_codes')
      .$call(c.primaryId())
      .addColumn('code_hash', 'text', (col) => col.notNull().unique())
      .addColumn('name', 'text')
      .addColumn('route_id', c.reference, (col) => col.references('routes.id').onDelete('set null'))
      .addColumn('created_by', c.reference, (col) => col.references('staff_users.id'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('expires_at', c.timestamp, (col) => col.notNull())
      .addColumn('used_at', c.timestamp)
      .addColumn('used_by_box_id', 'text')
      .addColumn('revoked_at', c.timestamp)
      .execute();
    // The pending list: neither used nor revoked, by expiry.
    await db.schema
      .createIndex('enrollment_codes_expiry')
      .on('enrollment_codes')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('box_keys')
      .addColumn('box_id', 'text', (col) =>
        col.primaryKey().references('boxes.id').onDelete('cascade'),
      )
      // Unique: one key pair is one box; enrolling it twice would give two ids one identity.
      .addColumn('signing_public_key', 'text', (col) => col.notNull().unique())
      .addColumn('agreement_public_key', 'text', (col) => col.notNull())
      .addColumn('enrolled_at', c.timestamp, (col) => col.notNull())
      .addColumn('enrollment_code_id', c.reference, (col) =>
        col.references('enrollment_codes.id').onDelete('set null'),
      )
      .execute();

    await db.schema
      .createTable('server_keys')
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('public_key', 'text', (col) => col.notNull())
      .addColumn('private_key', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('telemetry_records')
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('at', c.timestamp, (col) => col.notNull())
      .addColumn('received_at', c.timestamp, (col) => col.notNull())
      .addColumn('data', c.json, (col) => col.notNull())
      .addPrimaryKeyConstraint('telemetry_records_pk', ['box_id', 'seq'])
      .execute();

    await db.schema
      .createTable('box_link_state')
      .addColumn('box_id', 'text', (col) =>
        col.primaryKey().references('boxes.id').onDelete('cascade'),
      )
      .addColumn('acked_seq', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('last_hello_at', c.timestamp)
      .addColumn('last_disconnect_at', c.timestamp)
      .addColumn('last_seen_at', c.timestamp)
      .addColumn('software_version', 'text')
      .addColumn('acked_manifest_version', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('last_telemetry_seq', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('last_status', c.json)
      .addColumn('last_status_at', c.timestamp)
      .execute();

    await db.schema
      .createTable('plays')
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('play_seq', 'bigint', (col) => col.notNull())
      .addColumn('track_key', 'text', (col) => col.notNull())
      .addColumn('catalog_id', 'text')
      .addColumn('local_track_id', 'bigint', (col) => col.notNull())
      .addColumn('isrc', 'text')
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('artist', 'text', (col) => col.notNull())
      .addColumn('started_at', c.timestamp, (col) => col.notNull())
      .addColumn('ended_at', c.timestamp)
      .addColumn('completed', 'integer', (col) => col.notNull())
      .addColumn('played_ms', 'bigint')
      .addColumn('paid_credits', 'integer', (col) => col.notNull())
      .addPrimaryKeyConstraint('plays_pk', ['box_id', 'seq'])
      .addCheckConstraint('plays_completed', sql`completed in (0, 1)`)
      .execute();
    // Reports read plays of a time span, fleet-wide or for some boxes.
    await db.schema.createIndex('plays_started').on('plays').column('started_at').execute();

    await db.schema
      .createTable('play_counts')
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('track_key', 'text', (col) => col.notNull())
      .addColumn('catalog_id', 'text')
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('artist', 'text', (col) => col.notNull())
      .addColumn('plays', 'bigint', (col) => col.notNull())
      .addColumn('completed_plays', 'bigint', (col) => col.notNull())
      .addColumn('paid_credits', 'bigint', (col) => col.notNull())
      .addColumn('last_played_at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('play_counts_pk', ['box_id', 'track_key'])
      .execute();

    await db.schema
      .createTable('ledger_mirror')
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('entry_seq', 'bigint', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('credits', 'integer', (col) => col.notNull())
      .addColumn('value_cents', 'bigint')
      .addColumn('denomination', 'text')
      .addColumn('reason', 'text')
      .addColumn('staff', 'text')
      .addColumn('bonus', 'integer')
      .addColumn('balance_after', 'integer')
      .addColumn('ref', 'text')
      .addColumn('at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('ledger_mirror_pk', ['box_id', 'seq'])
      .execute();
    await db.schema.createIndex('ledger_mirror_at').on('ledger_mirror').column('at').execute();

    await db.schema
      .createTable('song_requests')
      .addColumn('box_id', 'text', (col) => col.notNull().references('boxes.id'))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('request_id', 'bigint')
      .addColumn('text', 'text', (col) => col.notNull())
      .addColumn('normalized', 'text', (col) => col.notNull())
      .addColumn('artist', 'text')
      .addColumn('title', 'text')
      .addColumn('at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('song_requests_pk', ['box_id', 'seq'])
      .execute();
    await db.schema.createIndex('song_requests_at').on('song_requests').column('at').execute();

    await db.schema
      .createTable('song_request_counts')
      .addColumn('normalized', 'text', (col) => col.primaryKey())
      .addColumn('sample_text', 'text', (col) => col.notNull())
      .addColumn('requests', 'bigint', (col) => col.notNull())
      .addColumn('first_at', c.timestamp, (col) => col.notNull())
      .addColumn('last_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
