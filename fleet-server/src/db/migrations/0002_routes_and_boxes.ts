import { sql, type Kysely } from 'kysely';
import { portableColumns, type Migration } from '@jukebox/db';

/**
 * Routes (named lists of boxes that route operators service), which staff work which route,
 * and the boxes themselves. Enrollment adds the boxes' key columns in its own migration.
 */
export const migration0002RoutesAndBoxes: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);
    await db.schema
      .createTable('routes')
      .$call(c.primaryId())
      .addColumn('name', 'text', (col) => col.notNull().unique())
      .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('route_staff')
      .addColumn('route_id', c.reference, (col) =>
        col.notNull().references('routes.id').onDelete('cascade'),
      )
      .addColumn('user_id', c.reference, (col) =>
        col.notNull().references('staff_users.id').onDelete('cascade'),
      )
      .addColumn('assigned_at', c.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('route_staff_pk', ['route_id', 'user_id'])
      .execute();
    // "Which routes does this user work" is the query behind every route operator's request.
    await db.schema.createIndex('route_staff_user').on('route_staff').column('user_id').execute();

    await db.schema
      .createTable('boxes')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      // A route removed later leaves its boxes unassigned rather than deleting them.
      .addColumn('route_id', c.reference, (col) => col.references('routes.id').onDelete('set null'))
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('revoked_at', c.timestamp)
      .addCheckConstraint('boxes_status', sql`status in ('active', 'revoked')`)
      .execute();
    await db.schema.createIndex('boxes_route').on('boxes').column('route_id').execute();
  },
};
