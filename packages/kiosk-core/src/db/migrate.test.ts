import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, MigrationError, readMigrations } from './migrate.js';
import { openDatabase } from './open.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kc-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('creates a WAL database with durable settings and the full schema', () => {
    const db = openDatabase(join(dir, 'box.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining(['tracks', 'queue', 'play_events', 'play_counts', 'track_search']),
    );
    db.close();
  });

  it('re-opening an up-to-date database applies nothing', () => {
    openDatabase(join(dir, 'box.db')).close();
    const db = openDatabase(join(dir, 'box.db'), { skipMigrations: true });
    expect(migrate(db)).toEqual([]);
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all();
    expect(rows).toEqual([
      { version: 1, name: 'library' },
      { version: 2, name: 'credit_ledger' },
      { version: 3, name: 'paid_queue' },
      { version: 4, name: 'pick_requests' },
      { version: 5, name: 'telemetry' },
      { version: 6, name: 'content' },
      { version: 7, name: 'retail' },
      { version: 8, name: 'attract_slides' },
    ]);
    db.close();
  });

  it('0007 rebuilds the telemetry outbox without reusing a seq, and its triggers still fire', () => {
    const old = join(dir, 'old-migrations');
    cpSync(defaultMigrationsDir, old, {
      recursive: true,
      filter: (src) => !/000[7-9]_|00[1-9][0-9]_/.test(src),
    });
    const file = join(dir, 'upgrade.db');
    let db = openDatabase(file, { migrationsDir: old });
    const ask = (text: string) =>
      db
        .prepare(
          "INSERT INTO song_requests (at, text, folded) VALUES ('2026-11-22T00:00:00Z', ?, ?)",
        )
        .run(text, text);
    ask('one');
    ask('two');
    ask('three');
    // The server acknowledged everything: the outbox is empty, its high-water mark is 3.
    db.prepare('DELETE FROM telemetry_outbox WHERE seq <= 2').run();
    db.close();
    db = openDatabase(file);
    expect(db.prepare('SELECT seq, kind FROM telemetry_outbox').all()).toEqual([
      { seq: 3, kind: 'song-request' },
    ]);
    db.prepare('DELETE FROM telemetry_outbox').run();
    ask('four');
    expect(db.prepare('SELECT seq FROM telemetry_outbox').all()).toEqual([{ seq: 4 }]);
    db.prepare(
      "INSERT INTO telemetry_outbox (at, kind, data) VALUES ('2026-11-22T00:00:00Z', 'burn-event', '{}')",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO telemetry_outbox (at, kind, data) VALUES ('2026-11-22T00:00:00Z', 'nonsense', '{}')",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});

describe('migrate', () => {
  it('applies files in order and records them', () => {
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE b (y);');
    const db = openDatabase(':memory:', { migrationsDir: dir });
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 2 });
    writeFileSync(join(dir, '0003_c.sql'), 'CREATE TABLE c (z);');
    expect(migrate(db, { migrationsDir: dir })).toEqual([3]);
    db.close();
  });

  it('a failing migration leaves no trace of itself', () => {
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(dir, '0002_bad.sql'), 'CREATE TABLE b (y); INSERT INTO nowhere VALUES (1);');
    const file = join(dir, 'box.db');
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow(/nowhere/);
    const db = openDatabase(file, { skipMigrations: true });
    const names = db.prepare("SELECT name FROM sqlite_master WHERE name IN ('a','b')").all();
    expect(names).toEqual([{ name: 'a' }]);
    db.close();
  });

  it('refuses to start when an applied migration file was edited', () => {
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    const file = join(dir, 'box.db');
    openDatabase(file, { migrationsDir: dir }).close();
    appendFileSync(join(dir, '0001_library.sql'), '\n-- edited\n');
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow(MigrationError);
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow(
      /changed after it was applied/,
    );
  });

  it('refuses a database from a newer build and badly numbered files', () => {
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE b (x);');
    const file = join(dir, 'box.db');
    openDatabase(file, { migrationsDir: dir }).close();
    rmSync(join(dir, '0002_b.sql'));
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow(/newer version/);
    writeFileSync(join(dir, '0003_c.sql'), '');
    expect(() => readMigrations(dir)).toThrow(/numbered/);
  });
});
