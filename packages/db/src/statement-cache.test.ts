import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open.js';
import { CachingSqliteDatabase } from './statement-cache.js';

function memory(capacity?: number): CachingSqliteDatabase {
  const cache = new CachingSqliteDatabase(new SQLite(':memory:'), capacity);
  cache.database.exec('create table t (n integer)');
  cache.database.exec('insert into t values (1), (2), (3)');
  return cache;
}

describe('CachingSqliteDatabase', () => {
  it('hands out one prepared statement per SQL text', () => {
    const db = memory();
    const a = db.prepare('select n from t');
    expect(db.prepare('select n from t')).toBe(a);
    expect(db.prepare('select n from t where n > ?')).not.toBe(a);
    expect(db.size).toBe(2);
    expect(a.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    db.close();
  });

  it('keeps the most recently used statements within its capacity', () => {
    const db = memory(2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a); // a is now the most recent
    db.prepare('select 3'); // evicts b, the least recently used
    expect(db.size).toBe(2);
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
    db.close();
  });

  it('keeps nothing with capacity 0', () => {
    const db = memory(0);
    expect(db.prepare('select 1')).not.toBe(db.prepare('select 1'));
    expect(db.size).toBe(0);
    db.close();
  });

  it('refuses a capacity that is not a whole number >= 0', () => {
    const raw = new SQLite(':memory:');
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => new CachingSqliteDatabase(raw, bad)).toThrow(/capacity must be an integer/);
    }
    raw.close();
  });

  it('gives a fresh statement while the cached one is still being iterated', () => {
    const db = memory();
    const cached = db.prepare('select n from t order by n');
    const outer = cached.iterate([]);
    expect(outer.next().value).toEqual({ n: 1 });
    const other = db.prepare('select n from t order by n');
    expect(other).not.toBe(cached);
    expect(other.all([])).toHaveLength(3);
    outer.return?.();
    expect(db.prepare('select n from t order by n')).toBe(cached);
    db.close();
  });

  it('sees tables that changed shape after the statement was prepared', () => {
    const db = memory();
    const select = db.prepare('select * from t order by n limit 1');
    expect(select.all([])).toEqual([{ n: 1 }]);
    db.database.exec("alter table t add column label text default 'x'");
    expect(db.prepare('select * from t order by n limit 1').all([])).toEqual([
      { n: 1, label: 'x' },
    ]);
    db.close();
  });

  it('closes the database it wraps', () => {
    const db = memory();
    db.prepare('select 1');
    db.close();
    expect(db.database.open).toBe(false);
    expect(db.size).toBe(0);
  });
});

describe('the statement cache under Kysely', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jukebox-db-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves openDatabase with its default size and with 0 (off); a bad size is refused', async () => {
    for (const statementCacheSize of [undefined, 0]) {
      const db = await openDatabase<unknown>({
        url: `sqlite:${path.join(dir, `c${statementCacheSize}.sqlite`)}`,
        sqlite: { statementCacheSize },
      });
      for (let i = 0; i < 3; i++) {
        expect((await sql<{ v: number }>`select ${i} as v`.execute(db)).rows).toEqual([{ v: i }]);
      }
      await db.destroy();
    }
    await expect(
      openDatabase({ url: path.join(dir, 'bad.sqlite'), sqlite: { statementCacheSize: -1 } }),
    ).rejects.toThrow(/statement cache capacity must be an integer >= 0, got -1/);
  });
});
