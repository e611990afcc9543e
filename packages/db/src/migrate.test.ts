import { sql } from 'kysely';
import type { Generated, Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabaseNewerThanCodeError,
  MigrationFailedError,
  migrateToLatest,
  migrationStatus,
  type Migration,
} from './migrate.js';
import { openDatabase } from './open.js';
import { isForeignKeyViolation, isUniqueViolation } from './errors.js';
import { encodeJson, portableColumns } from './portable.js';
import { testDatabaseTargets, type TestDatabase } from './testing.js';

interface Tables {
  owner: { id: Generated<number>; name: string; created_at: number };
  pet: { id: Generated<number>; owner_id: number; data: string };
}

const m0001: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);
    await db.schema
      .createTable('owner')
      .$call(c.primaryId())
      .addColumn('name', 'text', (col) => col.notNull().unique())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
const m0002: Migration = {
  async up(db: Kysely<unknown>) {
    const c = portableColumns(db);
    await db.schema
      .createTable('pet')
      .$call(c.primaryId())
      .addColumn('owner_id', c.reference, (col) => col.notNull().references('owner.id'))
      .addColumn('data', c.json, (col) => col.notNull())
      .execute();
  },
};
const m0003: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('owner').addColumn('nick', 'text').execute();
  },
};

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`migrations on ${target.dialect}`, () => {
    let test: TestDatabase;
    let db: Kysely<Tables>;

    beforeEach(async () => {
      test = await target.create();
      db = await openDatabase<Tables>({ url: test.url });
    });
    afterEach(async () => {
      await db?.destroy();
      await test?.dispose();
    });

    it('applies pending migrations in name order and reports them', async () => {
      // Given out of order on purpose: the order comes from the names.
      const report = await migrateToLatest(db, { '0002_pets': m0002, '0001_owners': m0001 });
      expect(report).toEqual({ applied: ['0001_owners', '0002_pets'], alreadyApplied: [] });

      const again = await migrateToLatest(db, { '0001_owners': m0001, '0002_pets': m0002 });
      expect(again).toEqual({ applied: [], alreadyApplied: ['0001_owners', '0002_pets'] });

      const next = await migrateToLatest(db, {
        '0001_owners': m0001,
        '0002_pets': m0002,
        '0003_nick': m0003,
      });
      expect(next.applied).toEqual(['0003_nick']);
    });

    it('gives the portable columns the same behaviour on both engines', async () => {
      await migrateToLatest(db, { '0001_owners': m0001, '0002_pets': m0002 });
      const now = 1_767_225_600_123;
      const owner = await db
        .insertInto('owner')
        .values({ name: 'ann', created_at: now })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
      expect(owner).toEqual({ id: 1, created_at: now });
      const second = await db
        .insertInto('owner')
        .values({ name: 'bob', created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(second.id).toBe(2);
      await db
        .insertInto('pet')
        .values({ owner_id: 1, data: encodeJson({ kind: 'cat' }) })
        .execute();
      // Foreign keys are enforced (SQLite only does when told to), and both engines' constraint
      // errors are recognised by the same helpers.
      const fk = await db
        .insertInto('pet')
        .values({ owner_id: 99, data: '{}' })
        .execute()
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(fk)).toBe(true);
      expect(isUniqueViolation(fk)).toBe(false);
      const dup = await db
        .insertInto('owner')
        .values({ name: 'ann', created_at: now })
        .execute()
        .catch((e: unknown) => e);
      expect(isUniqueViolation(dup)).toBe(true);
      expect(isForeignKeyViolation(dup)).toBe(false);
      const { count } = await db
        .selectFrom('owner')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      expect(count).toBe(2);
    });

    it('refuses a database migrated by newer code and changes nothing', async () => {
      await migrateToLatest(db, { '0001_owners': m0001, '0003_nick': m0003 });
      const before = await migrationStatus(db, { '0001_owners': m0001, '0002_pets': m0002 });
      expect(before).toEqual({
        applied: ['0001_owners'],
        pending: ['0002_pets'],
        unknown: ['0003_nick'],
      });
      const attempt = migrateToLatest(db, { '0001_owners': m0001, '0002_pets': m0002 });
      await expect(attempt).rejects.toThrow(DatabaseNewerThanCodeError);
      await expect(attempt).rejects.toThrow(/0003_nick/);
      const tables = (await db.introspection.getTables()).map((t) => t.name);
      expect(tables).not.toContain('pet');
    });

    it('names the migration that failed and keeps the ones before it', async () => {
      const broken: Migration = {
        async up(d: Kysely<unknown>) {
          await sql`create table broken (`.execute(d);
        },
      };
      const attempt = migrateToLatest(db, { '0001_owners': m0001, '0002_broken': broken });
      await expect(attempt).rejects.toThrow(MigrationFailedError);
      await expect(attempt).rejects.toThrow(/migration 0002_broken failed/);
      const status = await migrationStatus(db, { '0001_owners': m0001, '0002_broken': broken });
      if (target.dialect === 'postgres') {
        // One transaction for the whole run: nothing applied.
        expect(status.applied).toEqual([]);
      } else {
        expect(status.applied).toEqual(['0001_owners']);
      }
      expect(status.pending).toContain('0002_broken');
    });

    it('refuses migration names that would not sort in order', async () => {
      await expect(migrateToLatest(db, { '1_owners': m0001 })).rejects.toThrow(/0001_create/);
      await expect(migrateToLatest(db, { '0001 owners': m0001 })).rejects.toThrow(/0001_create/);
    });

    it('reports an empty status on a new database', async () => {
      expect(await migrationStatus(db, { '0001_owners': m0001 })).toEqual({
        applied: [],
        pending: ['0001_owners'],
        unknown: [],
      });
    });
  });
}
