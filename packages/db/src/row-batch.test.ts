import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open.js';
import { RowBatchStatement, rowChunkSizes } from './row-batch.js';
import { CachingSqliteDatabase } from './statement-cache.js';
import { testDatabaseTargets, type TestDatabase } from './testing.js';

interface Tables {
  item: { k: number; label: string; note: string | null };
  tally: { k: string; n: number; last: number };
}
type Item = Tables['item'];

const insertItems = new RowBatchStatement({
  columns: ['k', 'label', 'note'],
  build: (db: Kysely<Tables>, rows: Item[]) =>
    db
      .insertInto('item')
      .values(rows)
      .onConflict((oc) => oc.column('k').doNothing())
      .returning('k'),
  maxRows: 8,
});

/** Sums into existing rows, keeping the larger `last`: the shape of the play-count upsert. */
const addTallies = new RowBatchStatement({
  columns: ['k', 'n', 'last'],
  build: (db: Kysely<Tables>, rows: Tables['tally'][]) =>
    db
      .insertInto('tally')
      .values(rows)
      .onConflict((oc) =>
        oc.column('k').doUpdateSet((eb) => ({
          n: eb('tally.n', '+', eb.ref('excluded.n')),
          last: eb
            .case()
            .when('excluded.last', '>', eb.ref('tally.last'))
            .then(eb.ref('excluded.last'))
            .else(eb.ref('tally.last'))
            .end(),
        })),
      ),
});

const items = (from: number, to: number): Item[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    k: from + i,
    label: `item ${from + i} é'"`,
    note: (from + i) % 3 === 0 ? null : `n${from + i}`,
  }));

describe('rowChunkSizes', () => {
  it('fills whole statements, then splits the rest into powers of two', () => {
    expect(rowChunkSizes(0, 64)).toEqual([]);
    expect(rowChunkSizes(1, 64)).toEqual([1]);
    expect(rowChunkSizes(64, 64)).toEqual([64]);
    expect(rowChunkSizes(65, 64)).toEqual([64, 1]);
    expect(rowChunkSizes(500, 64)).toEqual([64, 64, 64, 64, 64, 64, 64, 32, 16, 4]);
    expect(rowChunkSizes(99, 100)).toEqual([64, 32, 2, 1]);
    expect(rowChunkSizes(3, 1)).toEqual([1, 1, 1]);
  });

  it('covers every count exactly with few shapes', () => {
    for (const maxRows of [1, 7, 64, 100]) {
      const shapes = new Set<number>();
      const wrong: string[] = [];
      for (let count = 0; count <= 1000; count++) {
        const sizes = rowChunkSizes(count, maxRows);
        if (sizes.reduce((a, b) => a + b, 0) !== count) wrong.push(`${count}: ${sizes.join('+')}`);
        for (const s of sizes) {
          if (!(s > 0 && s <= maxRows)) wrong.push(`${count}: size ${s}`);
          shapes.add(s);
        }
      }
      expect(wrong, `maxRows ${maxRows}`).toEqual([]);
      expect(shapes.size).toBeLessThanOrEqual(Math.floor(Math.log2(maxRows)) + 2);
    }
  });
});

describe('RowBatchStatement options', () => {
  const build = (db: Kysely<Tables>, rows: Item[]) => db.insertInto('item').values(rows);

  it('refuses no columns, repeated columns, a bad maxRows and too many parameters', () => {
    expect(() => new RowBatchStatement({ columns: [], build })).toThrow(/needs columns/);
    expect(() => new RowBatchStatement({ columns: ['k', 'k'], build })).toThrow(/repeat: k, k/);
    for (const maxRows of [0, 2.5]) {
      expect(() => new RowBatchStatement({ columns: ['k'], build, maxRows })).toThrow(
        /maxRows must be an integer >= 1/,
      );
    }
    expect(
      () => new RowBatchStatement({ columns: ['k', 'label', 'note'], build, maxRows: 20_000 }),
    ).toThrow(/exceeds 32766 parameters/);
  });
});

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`RowBatchStatement on ${target.dialect}`, () => {
    let test: TestDatabase;
    let db: Kysely<Tables>;

    beforeAll(async () => {
      test = await target.create();
      db = await openDatabase<Tables>({ url: test.url });
      await db.schema
        .createTable('item')
        .addColumn('k', 'integer', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      await db.schema
        .createTable('tally')
        .addColumn('k', 'text', (c) => c.primaryKey())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('last', 'integer', (c) => c.notNull())
        .execute();
    });
    afterAll(async () => {
      await db?.destroy();
      await test?.dispose();
    });

    const stored = (from: number, to: number) =>
      db
        .selectFrom('item')
        .selectAll()
        .where('k', '>=', from)
        .where('k', '<=', to)
        .orderBy('k')
        .execute();

    it('writes every row of any count, values and nulls intact, and returns what it returns', async () => {
      let from = 1;
      for (const count of [0, 1, 7, 8, 9, 23, 64]) {
        const rows = items(from, from + count - 1);
        const returned = await insertItems.execute(db, rows);
        expect(returned).toEqual(rows.map((r) => ({ k: r.k })));
        expect(await stored(from, from + count - 1)).toEqual(rows);
        from += count;
      }
    });

    it('returns only the rows the statement wrote (ON CONFLICT DO NOTHING)', async () => {
      await insertItems.execute(db, items(1000, 1004));
      const again = items(1002, 1010).map((r) => ({ ...r, label: 'second' }));
      expect(await insertItems.execute(db, again)).toEqual(
        [1005, 1006, 1007, 1008, 1009, 1010].map((k) => ({ k })),
      );
      expect((await stored(1000, 1010)).map((r) => r.label)).toEqual([
        ...items(1000, 1004).map((r) => r.label),
        ...Array(6).fill('second'),
      ]);
    });

    it('runs upserts that refer to the excluded row', async () => {
      const rows = (n: number, last: number) =>
        Array.from({ length: 70 }, (_, i) => ({ k: `t${i}`, n, last: last + (i % 2) }));
      await addTallies.execute(db, rows(1, 100));
      await addTallies.execute(db, rows(2, 50));
      await addTallies.execute(db, rows(4, 200).slice(0, 3));
      const tallies = await db.selectFrom('tally').selectAll().orderBy('k').execute();
      expect(tallies).toHaveLength(70);
      expect(tallies.find((t) => t.k === 't0')).toEqual({ k: 't0', n: 7, last: 200 });
      expect(tallies.find((t) => t.k === 't1')).toEqual({ k: 't1', n: 7, last: 201 });
      expect(tallies.find((t) => t.k === 't5')).toEqual({ k: 't5', n: 3, last: 101 });
    });

    it('keeps constants the statement itself carries', async () => {
      const relabel = new RowBatchStatement({
        columns: ['k', 'label', 'note'],
        build: (d: Kysely<Tables>, rows: Item[]) =>
          d
            .insertInto('item')
            .values(rows)
            .onConflict((oc) => oc.column('k').doUpdateSet({ note: 'seen twice' })),
        maxRows: 4,
      });
      await relabel.execute(db, items(2000, 2005));
      await relabel.execute(db, items(2004, 2006));
      expect((await stored(2000, 2006)).map((r) => r.note)).toEqual([
        'n2000',
        null,
        'n2002',
        'n2003',
        'seen twice',
        'seen twice',
        'n2006',
      ]);
    });

    it('refuses a row lacking a column, naming the row and column', async () => {
      const rows = items(3000, 3002);
      delete (rows[2] as Partial<Item>).note;
      await expect(insertItems.execute(db, rows)).rejects.toThrow(
        /row 2 has no value for column "note" \(give null for none\)/,
      );
    });

    it('refuses a statement that does not use every column', async () => {
      const partial = new RowBatchStatement({
        columns: ['k', 'label', 'note'],
        build: (d: Kysely<Tables>, rows: Item[]) =>
          d.insertInto('item').values(rows.map(({ k, label }) => ({ k, label }))),
      });
      await expect(partial.execute(db, items(4000, 4001))).rejects.toThrow(/unused: note/);
      expect(await stored(4000, 4001)).toEqual([]);
    });

    it('still works (compiling each call) on a Kysely instance with a plugin', async () => {
      const seen: string[] = [];
      const plugin: KyselyPlugin = {
        transformQuery: (args) => {
          seen.push(args.node.kind);
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const rows = items(5000, 5009);
      expect(await insertItems.execute(db.withPlugin(plugin), rows)).toHaveLength(10);
      expect(await stored(5000, 5009)).toEqual(rows);
      expect(seen).toEqual(['InsertQueryNode', 'InsertQueryNode']); // 8 + 2 rows
    });

    it('writes all chunks in a transaction or none', async () => {
      const rows = items(6000, 6020);
      rows[20] = { ...rows[20]!, label: null as unknown as string }; // NOT NULL in the last chunk
      await expect(
        db.transaction().execute((trx) => insertItems.execute(trx, rows)),
      ).rejects.toThrow();
      expect(await stored(6000, 6020)).toEqual([]);
    });
  });
}

describe('RowBatchStatement SQL texts', () => {
  it('uses one SQL text per chunk size, so the SQLite statement cache keeps them', async () => {
    const texts = new Set<string>();
    const db = new Kysely<Tables>({
      dialect: new SqliteDialect({ database: new CachingSqliteDatabase(new SQLite(':memory:')) }),
      log: (event) => {
        if (event.query.sql.startsWith('insert')) texts.add(event.query.sql);
      },
    });
    await db.schema
      .createTable('item')
      .addColumn('k', 'integer', (c) => c.primaryKey())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    let from = 0;
    for (let count = 1; count <= 40; count++) {
      await insertItems.execute(db, items(from, from + count - 1));
      from += count;
    }
    expect(
      await db
        .selectFrom('item')
        .select((eb) => eb.fn.countAll().as('n'))
        .execute(),
    ).toEqual([{ n: from }]);
    expect(texts.size).toBe(4); // 8, 4, 2, 1 rows
    await db.destroy();
  });
});
