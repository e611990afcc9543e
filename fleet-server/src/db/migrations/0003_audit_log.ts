import type { Kysely } from 'kysely';
import { portableColumns, type Migration } from '@jukebox/db';

/**
 * Who did what, when: one row per change, written in the same transaction as the change so
 * the log cannot miss one. Staff users are never deleted (only disabled), so the actor
 * reference stays valid.
 */
export const migration0003AuditLog: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);
    await db.schema
      .createTable('audit_log')
      .$call(c.primaryId())
      .addColumn('at', c.timestamp, (col) => col.notNull())
      .addColumn('actor_user_id', c.reference, (col) => col.references('staff_users.id'))
      .addColumn('actor_box_id', 'text')
      .addColumn('action', 'text', (col) => col.notNull())
      .addColumn('target_type', 'text')
      .addColumn('target_id', 'text')
      .addColumn('details', c.json, (col) => col.notNull().defaultTo('{}'))
      .addColumn('remote_address', 'text')
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  },
};
