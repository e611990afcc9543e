import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from './library.js';
import { record } from './test-support/records.js';
import { memoryLog } from './test-support/silent-log.js';

let root: string;
let db: Db;
let lib: Library;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kc-search-'));
  db = openDatabase(join(root, 'box.db'));
  lib = new Library(db, {
    dataDir: root,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  lib.insertRecords([
    record({ title: 'Hey Jude', artist: 'The Beatles', album: 'Past Masters', genre: 'Rock' }),
    record({ title: 'Let It Be', artist: 'The Beatles', album: 'Let It Be', genre: 'Rock' }),
    record({ title: 'Crazy in Love', artist: 'Beyoncé', album: 'Dangerously in Love' }),
    record({ title: 'Halo', artist: 'Beyoncé' }),
    record({ title: 'Ça plane pour moi', artist: 'Plastic Bertrand' }),
    record({ title: 'Love', artist: 'Zoë' }),
    record({ title: 'Near Me', artist: 'Nearby (Band)' }),
    record({ title: 'Beat It', artist: 'Michael Jackson' }),
  ]);
});

afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

const titles = (q: string): string[] => lib.search(q, 30).tracks.map((t) => t.title);

describe('Library.search', () => {
  it('treats every word as a prefix and ANDs words across title, artist and album', () => {
    expect(lib.search('bea', 30).artists.map((a) => a.name)).toEqual(['The Beatles']);
    expect(titles('beat')).toEqual(expect.arrayContaining(['Hey Jude', 'Let It Be', 'Beat It']));
    expect(titles('jude bea')).toEqual(['Hey Jude']);
    expect(titles('past mast')).toEqual(['Hey Jude']);
    expect(lib.search('dangerously', 30).albums.map((a) => a.title)).toEqual([
      'Dangerously in Love',
    ]);
  });

  it('ignores case and accents', () => {
    expect(titles('beyonce')).toEqual(expect.arrayContaining(['Crazy in Love', 'Halo']));
    expect(titles('BEYONCÉ halo')).toEqual(['Halo']);
    expect(lib.search('ZOE', 30).artists.map((a) => a.name)).toEqual(['Zoë']);
    expect(titles('ca plane')).toEqual(['Ça plane pour moi']);
  });

  it('ranks a title match above an album match', () => {
    expect(titles('love')[0]).toBe('Love');
  });

  it('never lets input break the FTS query', () => {
    for (const q of [
      '"',
      '"hey',
      'hey"',
      '*',
      'be*',
      '-hey',
      'NEAR',
      'near(',
      'a OR b',
      '(',
      ')',
      "it's",
      'AND',
      '^x',
      'col:x',
      '\u0000',
    ]) {
      expect(() => lib.search(q, 30)).not.toThrow();
    }
    expect(titles('near(')).toEqual(['Near Me']);
    expect(titles('"hey')).toEqual(['Hey Jude']);
    expect(lib.search('NEAR', 30).artists.map((a) => a.name)).toEqual(['Nearby (Band)']);
  });

  it('gives nothing for an empty or symbol-only query', () => {
    expect(lib.search('', 30)).toEqual({ tracks: [], artists: [], albums: [] });
    expect(lib.search('  *"() ', 30)).toEqual({ tracks: [], artists: [], albums: [] });
  });

  it('lists names starting with a single letter first, alphabetically, then other matches', () => {
    expect(titles('h').slice(0, 2)).toEqual(['Halo', 'Hey Jude']);
    expect(lib.search('b', 30).artists.map((a) => a.name)).toEqual([
      'Beyoncé',
      'The Beatles',
      'Plastic Bertrand',
      'Nearby (Band)',
    ]);
    expect(lib.search('l', 2).tracks).toHaveLength(2);
  });

  it('lists initials first for a prefix too broad to rank, when a prefix is too broad to rank', () => {
    // 400 matches for "al" is past the ranking bound: titles starting "al" come first, A-Z.
    lib.insertRecords(
      Array.from({ length: 400 }, (_, i) =>
        record({ title: `Zz ${String(i).padStart(3, '0')} Alley`, artist: 'Broad' }),
      ),
    );
    lib.insertRecords([
      record({ title: 'Alright', artist: 'Kendrick' }),
      record({ title: 'Alps', artist: 'X' }),
    ]);
    const got = titles('al');
    expect(got.slice(0, 2)).toEqual(['Alps', 'Alright']);
    expect(got).toHaveLength(30);
    expect(titles('alley 12').sort()).toEqual([
      'Zz 120 Alley',
      'Zz 121 Alley',
      'Zz 122 Alley',
      'Zz 123 Alley',
      'Zz 124 Alley',
      'Zz 125 Alley',
      'Zz 126 Alley',
      'Zz 127 Alley',
      'Zz 128 Alley',
      'Zz 129 Alley',
    ]);
  });

  it('respects the limit and breaks rank ties by play count', () => {
    expect(lib.search('beatles', 1).tracks).toHaveLength(1);
    // Same word counts everywhere, so bm25 ties and the play count decides.
    lib.insertRecords([
      record({ title: 'Tie One', artist: 'Tiebreak' }),
      record({ title: 'Tie Two', artist: 'Tiebreak' }),
    ]);
    const [one, two] = lib.search('tiebreak', 5).tracks.map((t) => t.id);
    db.prepare('INSERT INTO play_counts (track_id, count) VALUES (?, 1), (?, 5)').run(one, two);
    expect(lib.search('tiebreak', 5).tracks.map((t) => [t.title, t.playCount])).toEqual([
      ['Tie Two', 5],
      ['Tie One', 1],
    ]);
  });
});
