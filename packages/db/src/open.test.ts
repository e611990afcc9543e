import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseOpenError, dialectOf, openDatabase } from './open.js';
import { createPostgresTestDatabase, testDatabaseTargets, type TestDatabase } from './testing.js';

describe('openDatabase on SQLite', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jukebox-db-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file and its folder, in WAL mode with foreign keys and a busy timeout', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'fleet.sqlite');
    const db = await openDatabase<unknown>({
      url: `sqlite:${file}`,
      sqlite: { busyTimeoutMs: 1234 },
    });
    try {
      expect(dialectOf(db)).toBe('sqlite');
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(1234);
      expect(await pragma('synchronous')).toBe(2); // FULL
    } finally {
      await db.destroy();
    }
  });

  it('reports a file it cannot create, naming it', async () => {
    const blocker = path.join(dir, 'a-file');
    const db = await openDatabase<unknown>({ url: blocker });
    await db.destroy();
    await expect(openDatabase({ url: path.join(blocker, 'x.sqlite') })).rejects.toThrow(
      DatabaseOpenError,
    );
    await expect(openDatabase({ url: path.join(blocker, 'x.sqlite') })).rejects.toThrow(
      /a-file\/x\.sqlite/,
    );
  });
});

describe('openDatabase on PostgreSQL errors', () => {
  it('fails at open, not at first use, when the server cannot be reached', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    await expect(
      openDatabase({ url: 'postgres://nobody:secret@127.0.0.1:1/none' }),
    ).rejects.toThrow(/cannot use PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
  });
});

const pgTarget = testDatabaseTargets().find((t) => t.dialect === 'postgres')!;

describe.skipIf(!pgTarget.available)('openDatabase on PostgreSQL', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  let dbA: Kysely<unknown>;
  let dbB: Kysely<unknown>;

  beforeAll(async () => {
    a = await pgTarget.create();
    b = await createPostgresTestDatabase(process.env.DATABASE_URL!);
    dbA = await openDatabase({ url: a.url });
    dbB = await openDatabase({ url: b.url });
  });
  afterAll(async () => {
    await dbA?.destroy();
    await dbB?.destroy();
    await a?.dispose();
    await b?.dispose();
  });

  it('keeps each schema to itself through the search_path', async () => {
    expect(dialectOf(dbA)).toBe('postgres');
    await sql`create table thing (id int)`.execute(dbA);
    await sql`insert into thing values (1)`.execute(dbA);
    await expect(sql`select * from thing`.execute(dbB)).rejects.toThrow(/does not exist/);
    const tables = await dbA.introspection.getTables();
    expect(tables.find((t) => t.name === 'thing')?.schema).toBe(
      new URL(a.url).searchParams.get('schema'),
    );
  });

  it('returns int8 as numbers, like SQLite', async () => {
    const { rows } = await sql<{ n: unknown; big: unknown }>`
      select count(*) as n, 1700000000000::bigint as big`.execute(dbA);
    expect(rows[0]).toEqual({ n: 1, big: 1_700_000_000_000 });
  });

  it('refuses an int8 beyond 2^53 instead of rounding it', async () => {
    await expect(sql`select 9007199254740993::bigint as x`.execute(dbA)).rejects.toThrow(
      /exceeds 2\^53/,
    );
  });

  it('creates a schema named in the options when it does not exist yet', async () => {
    const base = new URL(a.url);
    base.searchParams.delete('schema');
    const name = `${new URL(b.url).searchParams.get('schema')}_extra`;
    const db = await openDatabase<unknown>({ url: base.toString(), schema: name });
    try {
      const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
      expect(rows[0]?.s).toBe(name);
    } finally {
      await sql.raw(`drop schema ${name} cascade`).execute(db);
      await db.destroy();
    }
  });
});
