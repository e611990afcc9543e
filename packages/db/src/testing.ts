import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { SqlDialectName } from './url.js';

/**
 * A throw-away database for one test file: its URL, and `dispose()` to remove it. Tests that
 * run on both engines take the list from `testDatabaseTargets()` and use `describe.each`.
 */
export interface TestDatabase {
  readonly dialect: SqlDialectName;
  readonly url: string;
  dispose(): Promise<void>;
}

export interface TestDatabaseTarget {
  readonly dialect: SqlDialectName;
  /** False when the engine is not configured here; suites use `describe.skipIf(!available)`. */
  readonly available: boolean;
  create(): Promise<TestDatabase>;
}

/** A fresh SQLite file in its own temporary folder. */
export async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jukebox-db-test-'));
  return {
    dialect: 'sqlite',
    url: `sqlite:${path.join(dir, 'test.sqlite')}`,
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A fresh, randomly named schema in the PostgreSQL database at `baseUrl`; the returned URL
 * selects it with `?schema=`. `dispose()` drops it with everything in it, so parallel test
 * files never see each other's tables.
 */
export async function createPostgresTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  return {
    dialect: 'postgres',
    url: url.toString(),
    dispose: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * The engines a suite runs on: SQLite always, PostgreSQL when `DATABASE_URL` names one. The
 * PostgreSQL target is listed either way so that, without the variable, its cases show up as
 * skipped rather than silently vanishing.
 */
export function testDatabaseTargets(env: NodeJS.ProcessEnv = process.env): TestDatabaseTarget[] {
  const pgUrl = env.DATABASE_URL;
  const havePg = pgUrl !== undefined && /^postgres(ql)?:\/\//i.test(pgUrl);
  return [
    { dialect: 'sqlite', available: true, create: createSqliteTestDatabase },
    {
      dialect: 'postgres',
      available: havePg,
      create: () => {
        if (!havePg) throw new Error('DATABASE_URL does not name a PostgreSQL database');
        return createPostgresTestDatabase(pgUrl);
      },
    },
  ];
}
