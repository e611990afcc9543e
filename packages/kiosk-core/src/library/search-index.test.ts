import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CatalogRecord } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { FtsMatches } from './fts-matches.js';
import { Library } from './library.js';
import { Search } from './search.js';
import { SearchIndex } from './search-index.js';
import { generatedCatalog } from './test-support/catalog.js';
import { foldSensitive, ftsFoldDifferences, oneSidedWords } from './test-support/fts-folds.js';
import { record } from './test-support/records.js';
import { memoryLog } from './test-support/silent-log.js';
import { CatalogWriter } from './writer.js';

let root: string;
let file: string;
let db: Db;
let lib: Library;
let catalog: CatalogRecord[];
/** The library's search (the in-memory index) and the same search on the FTS5 tables. */
let fromIndex: Search;
let fromFts: Search;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kc-search-index-'));
  file = join(root, 'box.db');
  db = openDatabase(file);
  lib = new Library(db, {
    dataDir: root,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  // 8,000 tracks: enough for prefixes past the 5,000-match word bound and the 300-row rank bound.
  catalog = generatedCatalog({ tracks: 8000, seed: 7 });
  lib.insertRecords(catalog);
  fromIndex = new Search(db);
  fromFts = new Search(db, new FtsMatches(db));
});

afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

/** What a patron types: every prefix of one to three words of names in the catalog, and mixes. */
function typedQueries(records: readonly CatalogRecord[], sessions: number, seed: number): string[] {
  let x = seed;
  const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = () => records[Math.floor(rand() * records.length)] as CatalogRecord;
  const queries: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const r = pick();
    const source = [r.artist, r.title, r.album ?? r.title, `${r.artist} ${pick().title}`][i % 4]!;
    const words = source.split(/\s+/).slice(0, 3).join(' ');
    for (let n = 1; n <= Math.min(words.length, 16); n++) queries.push(words.slice(0, n));
  }
  // Every letter and digit alone, with a second word, and words that match nothing.
  for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789') queries.push(c, `${c} t`, `lo ${c}`);
  queries.push('zzqx', 'love zzqx', 'the the', 'lo lo lo', '"', '');
  return queries;
}

/** Queries (of `queries`) whose results from the two searches differ, with both answers. */
function disagreements(queries: readonly string[], a: Search, b: Search, limit = 30) {
  const out: { query: string; a: unknown; b: unknown }[] = [];
  for (const query of queries) {
    const ra = a.search(query, limit);
    const rb = b.search(query, limit);
    if (!isDeepStrictEqual(ra, rb)) out.push({ query, a: ra, b: rb });
  }
  return out;
}

describe('SearchIndex', () => {
  it('answers like the FTS5 tables on a generated catalog, where both fold words alike', () => {
    const oneSided = oneSidedWords(ftsFoldDifferences(db));
    const queries = typedQueries(catalog, 60, 11);
    const comparable = queries.filter((q) => !foldSensitive(q, oneSided));
    expect(disagreements(comparable, fromIndex, fromFts)).toEqual([]);
    // The comparison covers the broad paths: "t" alone matches past the word bound.
    expect(comparable.length).toBeGreaterThan(600);
    expect(SearchIndex.of(db).count('track', ['t'], 5001)).toBe(5001);
    expect(fromIndex.search('lo', 30).tracks).toHaveLength(30);
    // Smaller limits cut the same lists.
    expect(disagreements(comparable.slice(0, 300), fromIndex, fromFts, 3)).toEqual([]);
  });

  it('finds names that FTS5 does not fold like typed text (ø, æ, ß, ı)', () => {
    const differences = ftsFoldDifferences(db);
    expect(differences.map((d) => d.fts.join(' '))).toEqual(
      expect.arrayContaining([expect.stringContaining('søren')]),
    );
    for (const [typed, word] of [
      ['soren', 'søren'],
      ['aether', 'æther'],
      ['strasse', 'straße'],
      ['yilmaz', 'yılmaz'],
      ['ost', 'øst'],
    ] as const) {
      const titles = fromIndex
        .search(typed, 100)
        .tracks.map((t) => `${t.title} ${t.artist} ${t.album}`);
      expect(titles.length).toBeGreaterThan(0);
      expect(
        titles.every((t) => t.toLowerCase().includes(word) || t.toLowerCase().includes(typed)),
      ).toBe(true);
      expect(fromFts.search(typed, 100).tracks.map((t) => t.title)).not.toEqual(
        fromIndex.search(typed, 100).tracks.map((t) => t.title),
      );
    }
  });

  it('follows imports, changed files, delisted and missing tracks, and agrees with a fresh index and FTS5', () => {
    const writer = new CatalogWriter(db);
    const ids = db
      .prepare<[], { id: number }>('SELECT id FROM tracks ORDER BY id')
      .all()
      .map((r) => r.id);
    const at = (i: number) => ids[i % ids.length] as number;
    const fields = (title: string, artist: string, album: string | null) => ({
      ...record({ title, artist, album }),
      path: `/music/${title}.mp3`,
      fileSize: 1,
      fileMtimeMs: 1,
      coverId: null,
    });
    // A changed file: new title, artist and album (the artist is new, the album too).
    writer.batch(() => {
      writer.update(at(10), fields('Quuxotic Anthem', 'Zanzibar Quartet', 'Quux Sessions'));
      writer.update(at(20), fields('Lovely Thunder', 'The Golden Hearts', null));
    });
    // Files gone, as the importer and the content installer flag them.
    const hide = db.transaction((gone: number[]) => {
      for (const id of gone) {
        db.prepare('UPDATE tracks SET missing = 1 WHERE id = ?').run(id);
        db.prepare('DELETE FROM track_search WHERE rowid = ?').run(id);
      }
    });
    hide(Array.from({ length: 200 }, (_, i) => at(i * 37 + 5)));
    // Every track of one artist gone: the artist and its albums are no longer shown.
    const artistId = db
      .prepare<[], { id: number }>(
        `SELECT artist_id AS id FROM tracks GROUP BY artist_id HAVING count(*) BETWEEN 2 AND 5 LIMIT 1`,
      )
      .get()!.id;
    hide(
      db
        .prepare<[number], { id: number }>('SELECT id FROM tracks WHERE artist_id = ?')
        .all(artistId)
        .map((r) => r.id),
    );
    // One comes back unchanged, and a new import adds tracks.
    writer.batch(() => writer.restore(at(5)));
    lib.insertRecords(generatedCatalog({ tracks: 300, seed: 99 }));
    lib.invalidate();
    // The library invalidates its own search; this one keeps FTS5 word counts until told.
    fromFts.invalidate();

    const name = db
      .prepare<[number], { name: string }>('SELECT name FROM artists WHERE id = ?')
      .get(artistId)!.name;
    expect(fromIndex.search(name, 30).artists.map((a) => a.name)).not.toContain(name);
    expect(fromIndex.search('quuxotic', 30).tracks.map((t) => t.artist)).toEqual([
      'Zanzibar Quartet',
    ]);
    expect(fromIndex.search('zanzibar', 30).albums.map((a) => a.title)).toEqual(['Quux Sessions']);

    const queries = [
      ...typedQueries(catalog, 24, 23),
      ...typedQueries(generatedCatalog({ tracks: 300, seed: 99 }), 8, 5),
      name,
      'quux',
      'lovely thun',
    ];
    const oneSided = oneSidedWords(ftsFoldDifferences(db));
    expect(
      disagreements(
        queries.filter((q) => !foldSensitive(q, oneSided)),
        fromIndex,
        fromFts,
      ),
    ).toEqual([]);
    // A second connection builds its index from the tables: the same as the one kept up to date.
    const other = openDatabase(file);
    try {
      expect(disagreements(queries, fromIndex, new Search(other))).toEqual([]);
    } finally {
      other.close();
    }
  });

  it('sees writes at the next search even without invalidate(), but not inside a transaction', () => {
    lib.insertRecords([record({ title: 'Xylophonic Dawn', artist: 'Nobody Yet' })]);
    const id = fromIndex.search('xylophonic', 5).tracks[0]!.id;
    db.prepare('UPDATE tracks SET missing = 1 WHERE id = ?').run(id);
    expect(fromIndex.search('xylophonic', 5).tracks).toEqual([]);
    db.transaction(() => {
      db.prepare('UPDATE tracks SET missing = 0 WHERE id = ?').run(id);
      expect(fromIndex.search('xylophonic', 5).tracks).toEqual([]);
    })();
    expect(fromIndex.search('xylophonic', 5).tracks.map((t) => t.title)).toEqual([
      'Xylophonic Dawn',
    ]);
  });

  it('is one index per connection, shared by every library on it', () => {
    expect(SearchIndex.of(db)).toBe(SearchIndex.of(db));
    const stats = SearchIndex.of(db).stats();
    expect(stats.track.rows).toBe(
      db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tracks WHERE missing = 0').get()!.n,
    );
    expect(stats.artist.rows).toBe(
      db.prepare<[], { n: number }>('SELECT count(*) AS n FROM artists').get()!.n,
    );
    expect(stats.album.rows).toBe(
      db.prepare<[], { n: number }>('SELECT count(*) AS n FROM albums').get()!.n,
    );
  });
});
