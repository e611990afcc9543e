import { sql, type Kysely } from 'kysely';
import { portableColumns, type Migration } from '@jukebox/db';

/**
 * Content tables (see content/schema.ts): the master catalog (tracks, covers, rights holders),
 * graphics, content sets with their items and assignments to boxes and routes, and the signed
 * manifests issued to boxes. Blobs are files in the blob store, named by SHA-256.
 *
 * Content keys are stored only sealed with the server master key (`sealed_content_key`, see
 * content/master-key.ts): a copy of this database alone opens no track.
 */
export const migration0005Content: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);
    const real = 'double precision';

    await db.schema
      .createTable('catalog_tracks')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('artist', 'text', (col) => col.notNull())
      .addColumn('album', 'text')
      .addColumn('genre', 'text')
      .addColumn('year', 'integer')
      .addColumn('isrc', 'text')
      .addColumn('explicit', 'integer', (col) => col.notNull())
      .addColumn('duration_ms', 'bigint', (col) => col.notNull())
      .addColumn('gain_db', real, (col) => col.notNull())
      .addColumn('loudness_lufs', real)
      .addColumn('source_sha256', 'text', (col) => col.notNull().unique())
      .addColumn('source_size', 'bigint', (col) => col.notNull())
      .addColumn('delivery_format', c.json, (col) => col.notNull())
      .addColumn('plain_sha256', 'text', (col) => col.notNull())
      .addColumn('plain_size', 'bigint', (col) => col.notNull())
      .addColumn('blob_sha256', 'text', (col) => col.notNull())
      .addColumn('blob_size', 'bigint', (col) => col.notNull())
      .addColumn('chunk_size', 'integer', (col) => col.notNull())
      .addColumn('sealed_content_key', 'text', (col) => col.notNull())
      .addColumn('preview_sha256', 'text', (col) => col.notNull())
      .addColumn('preview_size', 'bigint', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addCheckConstraint('catalog_tracks_explicit', sql`explicit in (0, 1)`)
      .execute();
    // The catalog list is ordered by artist, then title.
    await db.schema
      .createIndex('catalog_tracks_artist_title')
      .on('catalog_tracks')
      .columns(['artist', 'title'])
      .execute();

    await db.schema
      .createTable('catalog_covers')
      .addColumn('track_id', 'text', (col) =>
        col.notNull().references('catalog_tracks.id').onDelete('cascade'),
      )
      .addColumn('size_px', 'integer', (col) => col.notNull())
      .addColumn('sha256', 'text', (col) => col.notNull())
      .addColumn('byte_size', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('catalog_covers_pk', ['track_id', 'size_px'])
      .execute();

    await db.schema
      .createTable('catalog_rights_holders')
      .$call(c.primaryId())
      .addColumn('track_id', 'text', (col) =>
        col.notNull().references('catalog_tracks.id').onDelete('cascade'),
      )
      .addColumn('role', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('share_bp', 'integer', (col) => col.notNull())
      .addCheckConstraint(
        'catalog_rights_holders_role',
        sql`role in ('label', 'publisher', 'writer')`,
      )
      .addCheckConstraint('catalog_rights_holders_share', sql`share_bp between 1 and 10000`)
      .execute();
    await db.schema
      .createIndex('catalog_rights_holders_track')
      .on('catalog_rights_holders')
      .column('track_id')
      .execute();

    await db.schema
      .createTable('graphics')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('sha256', 'text', (col) => col.notNull())
      .addColumn('size', 'bigint', (col) => col.notNull())
      .addColumn('mime_type', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addCheckConstraint('graphics_kind', sql`kind in ('cover', 'attract', 'skin')`)
      .execute();

    await db.schema
      .createTable('content_sets')
      .$call(c.primaryId())
      .addColumn('name', 'text', (col) => col.notNull().unique())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('content_set_tracks')
      .addColumn('set_id', c.reference, (col) =>
        col.notNull().references('content_sets.id').onDelete('cascade'),
      )
      .addColumn('track_id', 'text', (col) =>
        col.notNull().references('catalog_tracks.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('content_set_tracks_pk', ['set_id', 'track_id'])
      .execute();
    // "Which sets hold this track" decides who gets a new manifest after a metadata edit.
    await db.schema
      .createIndex('content_set_tracks_track')
      .on('content_set_tracks')
      .column('track_id')
      .execute();

    await db.schema
      .createTable('content_set_graphics')
      .addColumn('set_id', c.reference, (col) =>
        col.notNull().references('content_sets.id').onDelete('cascade'),
      )
      .addColumn('graphic_id', 'text', (col) =>
        col.notNull().references('graphics.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('content_set_graphics_pk', ['set_id', 'graphic_id'])
      .execute();

    await db.schema
      .createTable('content_set_boxes')
      .addColumn('set_id', c.reference, (col) =>
        col.notNull().references('content_sets.id').onDelete('cascade'),
      )
      .addColumn('box_id', 'text', (col) =>
        col.notNull().references('boxes.id').onDelete('cascade'),
      )
      .addColumn('assigned_at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('content_set_boxes_pk', ['set_id', 'box_id'])
      .execute();
    await db.schema
      .createIndex('content_set_boxes_box')
      .on('content_set_boxes')
      .column('box_id')
      .execute();

    await db.schema
      .createTable('content_set_routes')
      .addColumn('set_id', c.reference, (col) =>
        col.notNull().references('content_sets.id').onDelete('cascade'),
      )
      .addColumn('route_id', c.reference, (col) =>
        col.notNull().references('routes.id').onDelete('cascade'),
      )
      .addColumn('assigned_at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('content_set_routes_pk', ['set_id', 'route_id'])
      .execute();
    await db.schema
      .createIndex('content_set_routes_route')
      .on('content_set_routes')
      .column('route_id')
      .execute();

    await db.schema
      .createTable('box_manifests')
      .addColumn('box_id', 'text', (col) =>
        col.notNull().references('boxes.id').onDelete('cascade'),
      )
      .addColumn('version', 'bigint', (col) => col.notNull())
      .addColumn('issued_at', c.timestamp, (col) => col.notNull())
      .addColumn('expires_at', c.timestamp, (col) => col.notNull())
      .addColumn('json', c.json, (col) => col.notNull())
      .addPrimaryKeyConstraint('box_manifests_pk', ['box_id', 'version'])
      .addCheckConstraint('box_manifests_version', sql`version > 0`)
      .execute();

    await db.schema
      .createTable('box_content_heads')
      .addColumn('box_id', 'text', (col) =>
        col.primaryKey().references('boxes.id').onDelete('cascade'),
      )
      .addColumn('version', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', c.timestamp, (col) => col.notNull())
      .addColumn('content_digest', 'text', (col) => col.notNull())
      // No foreign key: it records the route as it was, even after the route is gone.
      .addColumn('route_id', c.reference)
      .addColumn('agreement_key', 'text', (col) => col.notNull())
      .execute();
    // The manifest job asks for heads expiring before a time.
    await db.schema
      .createIndex('box_content_heads_expires')
      .on('box_content_heads')
      .column('expires_at')
      .execute();

    // Boxes whose content may have changed, written in the transaction of the change (so a
    // crash after it cannot lose the new manifest) and counted down by the manifest job.
    await db.schema
      .createTable('box_content_dirty')
      .addColumn('box_id', 'text', (col) =>
        col.primaryKey().references('boxes.id').onDelete('cascade'),
      )
      .addColumn('changes', 'bigint', (col) => col.notNull())
      .execute();
  },
};
