import { sql, type Kysely } from 'kysely';
import { portableColumns, type Migration } from '@jukebox/db';

/** Staff accounts, their roles (several per user) and their login sessions. */
export const migration0001Staff: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);
    await db.schema
      .createTable('staff_users')
      .$call(c.primaryId())
      .addColumn('username', 'text', (col) => col.notNull().unique())
      .addColumn('display_name', 'text', (col) => col.notNull())
      .addColumn('password_hash', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addColumn('last_login_at', c.timestamp)
      .addCheckConstraint('staff_users_status', sql`status in ('active', 'disabled')`)
      .execute();

    // Role names are checked by the application (a zod enum), not by a CHECK: adding a role
    // later must not need a table rebuild on SQLite.
    await db.schema
      .createTable('staff_user_roles')
      .addColumn('user_id', c.reference, (col) =>
        col.notNull().references('staff_users.id').onDelete('cascade'),
      )
      .addColumn('role', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('staff_user_roles_pk', ['user_id', 'role'])
      .execute();

    await db.schema
      .createTable('staff_sessions')
      .$call(c.primaryId())
      .addColumn('token_hash', 'text', (col) => col.notNull().unique())
      .addColumn('user_id', c.reference, (col) =>
        col.notNull().references('staff_users.id').onDelete('cascade'),
      )
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('last_seen_at', c.timestamp, (col) => col.notNull())
      .addColumn('expires_at', c.timestamp, (col) => col.notNull())
      .addColumn('user_agent', 'text')
      .addColumn('remote_address', 'text')
      .execute();
    await db.schema
      .createIndex('staff_sessions_user')
      .on('staff_sessions')
      .column('user_id')
      .execute();
    await db.schema
      .createIndex('staff_sessions_expiry')
      .on('staff_sessions')
      .column('expires_at')
      .execute();
  },
};
