import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { record } from './test-support/records.js';
import { TrackChanges } from './track-changes.js';
import { CatalogWriter } from './writer.js';

let root: string;
let db: Db;
let writer: CatalogWriter;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kc-track-changes-'));
  db = openDatabase(join(root, 'box.db'));
  writer = new CatalogWriter(db);
});

afterEach(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

const add = (title: string, artist = 'Someone'): number => {
  let id = 0;
  writer.batch(() => {
    id = writer.add(record({ title, artist, album: 'Album' }), null);
  });
  return id;
};

describe('TrackChanges', () => {
  it('logs added tracks and changes of title, artist, album or missing, each once', () => {
    const changes = new TrackChanges(db);
    const a = add('One');
    const b = add('Two');
    db.prepare("UPDATE tracks SET title = 'Uno' WHERE id = ?").run(a);
    db.prepare("UPDATE tracks SET title = 'Eins' WHERE id = ?").run(a);
    expect(changes.take()).toEqual([
      { id: a, title: 'Eins', artistId: 1, albumId: 1, missing: 0 },
      { id: b, title: 'Two', artistId: 1, albumId: 1, missing: 0 },
    ]);
    expect(changes.take()).toEqual([]);
    db.prepare('UPDATE tracks SET missing = 1 WHERE id = ?').run(b);
    expect(changes.take()).toEqual([{ id: b, title: 'Two', artistId: 1, albumId: 1, missing: 1 }]);
  });

  it('ignores updates that change nothing search shows (loudness, covers, the same title)', () => {
    const changes = new TrackChanges(db);
    const a = add('One');
    changes.take();
    db.prepare('UPDATE tracks SET gain_db = -3, file_size = 10 WHERE id = ?').run(a);
    db.prepare("UPDATE tracks SET title = 'One', missing = 0 WHERE id = ?").run(a);
    expect(changes.take()).toEqual([]);
  });

  it('reports a deleted track as missing', () => {
    const changes = new TrackChanges(db);
    const a = add('One');
    changes.take();
    db.prepare('DELETE FROM tracks WHERE id = ?').run(a);
    expect(changes.take()).toEqual([
      { id: a, title: null, artistId: null, albumId: null, missing: 1 },
    ]);
  });

  it('keeps nothing of a rolled-back write, and forgets everything on clear()', () => {
    const changes = new TrackChanges(db);
    expect(() =>
      writer.batch(() => {
        writer.add(record({ title: 'Never', artist: 'Nobody' }), null);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(changes.take()).toEqual([]);
    add('One');
    changes.clear();
    expect(changes.take()).toEqual([]);
  });

  it('shares one log per connection, and the log belongs to that connection only', () => {
    const first = new TrackChanges(db);
    const second = new TrackChanges(db);
    const a = add('One');
    expect(second.take().map((c) => c.id)).toEqual([a]);
    expect(first.take()).toEqual([]);
    const other = openDatabase(join(root, 'box.db'));
    try {
      other.prepare("UPDATE tracks SET title = 'Elsewhere' WHERE id = ?").run(a);
    } finally {
      other.close();
    }
    expect(first.take()).toEqual([]);
    // Nothing was added to the schema on disk.
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'library_search%'").all(),
    ).toEqual([]);
  });
});
