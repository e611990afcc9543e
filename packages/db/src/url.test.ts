import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, parseDatabaseUrl, redactDatabaseUrl } from './url.js';

describe('parseDatabaseUrl', () => {
  it('reads SQLite URLs and plain paths, resolving relative ones against baseDir', () => {
    expect(parseDatabaseUrl('sqlite:/var/lib/fleet.sqlite')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/fleet.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:///var/lib/fleet.sqlite')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/fleet.sqlite',
    });
    expect(parseDatabaseUrl('data/fleet.sqlite', '/srv')).toEqual({
      dialect: 'sqlite',
      path: path.resolve('/srv/data/fleet.sqlite'),
    });
    expect(parseDatabaseUrl('sqlite:rel.sqlite', '/srv')).toEqual({
      dialect: 'sqlite',
      path: '/srv/rel.sqlite',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
  });

  it('reads PostgreSQL URLs and takes the schema parameter out of the connection string', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/fleet')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://u:p@db:5432/fleet',
    });
    expect(parseDatabaseUrl('postgresql://u@db/fleet?sslmode=require&schema=fleet_a')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgresql://u@db/fleet?sslmode=require',
      schema: 'fleet_a',
    });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['sqlite:', /names no file/],
    ['mysql://localhost/db', /unsupported database URL scheme "mysql:"/],
    ['postgres://db/fleet?schema=Bad-Name', /schema "Bad-Name"/],
    ['postgres://db/fleet?schema=x%3Bdrop', /schema/],
    ['postgres://[bad', /not a valid URL/],
  ])('refuses %j', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password and leaves the rest', () => {
    expect(redactDatabaseUrl('postgres://u:secret@db/fleet')).toBe('postgres://u:***@db/fleet');
    expect(redactDatabaseUrl('postgres://u@db/fleet')).toBe('postgres://u@db/fleet');
    expect(redactDatabaseUrl('/plain/path')).toBe('/plain/path');
  });
});
