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
const cover = 'a'.repeat(64);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kc-browse-'));
  db = openDatabase(join(root, 'box.db'));
  lib = new Library(db, {
    dataDir: root,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  lib.insertRecords([
    record({
      title: 'Non, je ne regrette rien',
      artist: 'Édith Piaf',
      album: 'Best Of',
      genre: 'Chanson',
      year: 1960,
      trackNo: 2,
    }),
    record({
      title: 'La Vie en rose',
      artist: 'Édith Piaf',
      album: 'Best Of',
      genre: 'Chanson',
      year: 1960,
      trackNo: 1,
    }),
    record({ title: '99 Luftballons', artist: 'Nena', genre: 'Pop', explicit: true }),
    record({ title: 'Üben', artist: 'Ärzte', genre: 'Pop' }),
    record({ title: 'Zebra', artist: 'Beach House', album: 'Teen Dream', genre: 'Pop' }),
    record({ title: 'Ghost Track', artist: 'Phantom', path: '/nowhere/ghost.mp3' }),
  ]);
  // Ghost Track's file is gone: it must vanish from every listing.
  db.prepare("UPDATE tracks SET missing = 1 WHERE title = 'Ghost Track'").run();
  db.prepare("INSERT INTO covers (id, mime, size) VALUES (?, 'image/png', 10)").run(cover);
  db.prepare("UPDATE tracks SET cover_id = ? WHERE title = 'Zebra'").run(cover);
});

afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

describe('Library browse', () => {
  it('files letters by their base letter and digits under #', () => {
    expect(lib.letters('title')).toEqual([
      { letter: '#', count: 1 },
      { letter: 'L', count: 1 },
      { letter: 'N', count: 1 },
      { letter: 'U', count: 1 },
      { letter: 'Z', count: 1 },
    ]);
    expect(lib.letters('artist').map((l) => l.letter)).toEqual(['A', 'B', 'E', 'N']);
  });

  it('pages tracks by title or artist, with a letter and a category', () => {
    const all = lib.listTracks({ sort: 'title', offset: 0, limit: 2 });
    expect(all.total).toBe(5);
    expect(all.items.map((t) => t.title)).toEqual(['99 Luftballons', 'La Vie en rose']);
    expect(
      lib.listTracks({ sort: 'title', offset: 4, limit: 2 }).items.map((t) => t.title),
    ).toEqual(['Zebra']);
    const e = lib.listTracks({ sort: 'artist', letter: 'E', offset: 0, limit: 10 });
    expect(e).toMatchObject({ total: 2 });
    expect(e.items.map((t) => t.title)).toEqual(['La Vie en rose', 'Non, je ne regrette rien']);
    const pop = lib.categories().find((c) => c.name === 'Pop')!;
    expect(pop).toMatchObject({ trackCount: 3, coverId: cover });
    expect(
      lib
        .listTracks({ sort: 'artist', categoryId: pop.id, offset: 0, limit: 10 })
        .items.map((t) => t.artist),
    ).toEqual(['Ärzte', 'Beach House', 'Nena']);
    expect(
      lib.listTracks({ sort: 'title', letter: 'L', offset: 0, limit: 10 }).items[0],
    ).toMatchObject({
      title: 'La Vie en rose',
      album: 'Best Of',
      category: 'Chanson',
      year: 1960,
      explicit: false,
      playCount: 0,
    });
  });

  it('lists artists with counts and hides those with nothing on disk', () => {
    const page = lib.listArtists({ offset: 0, limit: 10 });
    expect(page.total).toBe(4);
    expect(page.items.map((a) => [a.name, a.trackCount])).toEqual([
      ['Ärzte', 1],
      ['Beach House', 1],
      ['Édith Piaf', 2],
      ['Nena', 1],
    ]);
    expect(lib.listArtists({ letter: 'E', offset: 0, limit: 10 }).items.map((a) => a.name)).toEqual(
      ['Édith Piaf'],
    );
    const phantom = db.prepare("SELECT id FROM artists WHERE name = 'Phantom'").get() as {
      id: number;
    };
    expect(lib.artist(phantom.id)).toBeNull();
  });

  it('gives an artist with albums and an album in track order', () => {
    const piaf = lib.listArtists({ letter: 'E', offset: 0, limit: 1 }).items[0]!;
    const a = lib.artist(piaf.id)!;
    expect(a.albums).toEqual([
      expect.objectContaining({ title: 'Best Of', trackCount: 2, year: 1960 }),
    ]);
    expect(a.tracks.map((t) => t.title)).toEqual(['La Vie en rose', 'Non, je ne regrette rien']);
    const album = lib.album(a.albums[0]!.id)!;
    expect(album.tracks.map((t) => t.title)).toEqual([
      'La Vie en rose',
      'Non, je ne regrette rien',
    ]);
    expect(lib.album(9999)).toBeNull();
    expect(lib.artist(9999)).toBeNull();
  });

  it('serves covers for attract mode and by id', () => {
    expect(lib.attractSlides(10)).toEqual([{ coverId: cover, kind: 'album' }]);
    expect(lib.coverFile(cover)).toBe(join(root, 'covers', cover));
    expect(lib.coverMime(cover)).toBe('image/png');
    expect(lib.coverFile('b'.repeat(64))).toBeNull();
    expect(lib.coverFile('../../etc/passwd')).toBeNull();
  });

  it('counts only tracks on disk, and metadata-only tracks are not playable', () => {
    expect(lib.trackCount()).toBe(5);
    const zebra = lib.search('zebra', 1).tracks[0]!;
    expect(lib.playable(zebra.id)).toBeNull();
    expect(lib.trackSummary(zebra.id)).toEqual(zebra);
    expect(lib.trackSummary(9999)).toBeNull();
  });
});
