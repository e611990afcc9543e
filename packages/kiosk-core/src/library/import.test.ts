import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from './library.js';
import { makeAudio, makeJpeg } from './test-support/audio.js';
import { memoryLog } from './test-support/silent-log.js';
import type { ImportReport } from './types.js';

const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
let root: string;
let music: string;
let db: Db;
let lib: Library;
let first: ImportReport;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kc-import-'));
  music = join(root, 'music');
  const album = join(music, 'Beyoncé', 'Dangerously in Love');
  mkdirSync(album, { recursive: true });
  mkdirSync(join(music, 'misc'));
  makeAudio(join(album, '01 Crazy in Love.mp3'), {
    cover: 'red',
    tags: {
      title: 'Crazy in Love',
      artist: 'Beyoncé',
      album: 'Dangerously in Love',
      genre: 'Pop',
      date: 2003,
      track: 1,
      TSRC: 'USSM10303541',
      EXPLICIT: 1,
    },
  });
  makeAudio(join(album, '02 Naughty Girl.mp3'), {
    tags: {
      title: 'Naughty Girl',
      artist: 'Beyoncé',
      album: 'Dangerously in Love',
      track: 2,
      ITUNESADVISORY: 2,
    },
  });
  makeJpeg(join(album, 'cover.jpg'), 'green');
  makeAudio(join(music, 'misc', 'zoe.flac'), {
    tags: { title: 'Flac Song', artist: 'Zoë', genre: 'Jazz', ITUNESADVISORY: 1 },
  });
  makeAudio(join(music, 'misc', 'Untitled Tone.wav'));
  makeAudio(join(music, 'misc', 'gone.mp3'), { tags: { title: 'Gone Soon', artist: 'Ghost' } });
  writeFileSync(join(music, 'misc', 'fake.mp3'), 'this is a text file, not audio\n');
  writeFileSync(join(music, 'misc', 'zero.mp3'), '');
  writeFileSync(join(music, 'misc', 'notes.txt'), 'ignored: not an audio extension');
  db = openDatabase(join(root, 'box.db'));
  lib = new Library(db, { dataDir: join(root, 'data'), tools, log: memoryLog() });
  first = await lib.importFolder(music);
}, 60_000);

afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

const idOf = (title: string): number => {
  const hit = lib.search(title, 5).tracks.find((t) => t.title === title);
  if (!hit) throw new Error(`${title} not found`);
  return hit.id;
};

describe('Library.importFolder', () => {
  it('imports real MP3, FLAC and WAV files and reports the rest', () => {
    expect(first).toMatchObject({ scanned: 7, added: 5, updated: 0, unchanged: 0, missing: 0 });
    const reasons = Object.fromEntries(
      first.skipped.map((s) => [s.path.split('/').pop(), s.reason]),
    );
    expect(reasons['zero.mp3']).toMatch(/empty file/);
    expect(reasons['fake.mp3']).toMatch(/not an audio file/);
    expect(first.warnings.map((w) => w.path)).toEqual([join(music, 'misc', 'Untitled Tone.wav')]);
    expect(lib.trackCount()).toBe(5);
  });

  it('reads tags, duration and the embedded cover', () => {
    const t = lib.trackSummary(idOf('Crazy in Love'));
    expect(t).toMatchObject({
      artist: 'Beyoncé',
      album: 'Dangerously in Love',
      category: 'Pop',
      year: 2003,
      explicit: true,
      playCount: 0,
    });
    expect(t?.durationMs).toBeGreaterThan(900);
    expect(t?.durationMs).toBeLessThan(1200);
    const file = lib.coverFile(t!.coverId!);
    expect(file).not.toBeNull();
    const bytes = readFileSync(file!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(t!.coverId);
    const isrc = db.prepare('SELECT isrc, track_no AS n FROM tracks WHERE id = ?').get(t!.id);
    expect(isrc).toEqual({ isrc: 'USSM10303541', n: 1 });
  });

  it('falls back to cover.jpg beside the file, and names untagged files after the file', () => {
    const naughty = lib.trackSummary(idOf('Naughty Girl'));
    const sidecar = readFileSync(join(music, 'Beyoncé', 'Dangerously in Love', 'cover.jpg'));
    expect(naughty?.coverId).toBe(createHash('sha256').update(sidecar).digest('hex'));
    expect(naughty?.explicit).toBe(false);
    // iTunes advisory as the demo catalog writes it: 1 = explicit (Vorbis here), 2 = clean.
    expect(lib.trackSummary(idOf('Flac Song'))).toMatchObject({ artist: 'Zoë', explicit: true });
    const untitled = lib.trackSummary(idOf('Untitled Tone'));
    expect(untitled).toMatchObject({ artist: 'Unknown Artist', album: null, coverId: null });
  });

  it('skips unchanged files, re-reads changed ones, flags deleted ones missing', async () => {
    const goneId = idOf('Gone Soon');
    const naughtyId = idOf('Naughty Girl');
    db.prepare('UPDATE tracks SET gain_db = -3 WHERE id = ?').run(naughtyId);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(music, 'Beyoncé', 'Dangerously in Love', '02 Naughty Girl.mp3'), later, later);
    rmSync(join(music, 'misc', 'gone.mp3'));

    const again = await lib.importFolder(music);
    expect(again).toMatchObject({ scanned: 6, added: 0, updated: 1, unchanged: 3, missing: 1 });
    // Same id (play history refers to it), loudness to be measured again.
    expect(idOf('Naughty Girl')).toBe(naughtyId);
    expect(lib.playable(naughtyId)?.gainDb).toBeNull();

    expect(lib.search('gone', 10).tracks).toEqual([]);
    expect(lib.search('ghost', 10).artists).toEqual([]);
    expect(lib.listArtists({ offset: 0, limit: 50 }).items.map((a) => a.name)).not.toContain(
      'Ghost',
    );
    expect(lib.playable(goneId)).toBeNull();
    expect(lib.trackSummary(goneId)?.title).toBe('Gone Soon');
    expect(lib.trackCount()).toBe(4);
  });

  it('shows a missing file again when it comes back', async () => {
    makeAudio(join(music, 'misc', 'gone.mp3'), { tags: { title: 'Gone Soon', artist: 'Ghost' } });
    const back = await lib.importFolder(music);
    expect(back).toMatchObject({ updated: 1, missing: 0 });
    expect(lib.search('gone so', 10).tracks.map((t) => t.title)).toEqual(['Gone Soon']);
  });

  it('hides a track whose file changed into something unreadable, and counts it once', async () => {
    const file = join(music, 'misc', 'gone.mp3');
    const id = idOf('Gone Soon');
    writeFileSync(file, 'overwritten by a failed copy\n'.repeat(40));
    const broken = await lib.importFolder(music);
    expect(broken.skipped.map((s) => s.path)).toContain(file);
    expect(broken.missing).toBe(1);
    expect(lib.playable(id)).toBeNull();
    expect(lib.search('gone so', 10).tracks).toEqual([]);
    const again = await lib.importFolder(music);
    expect(again.missing).toBe(0); // already flagged: not counted again
    makeAudio(file, { tags: { title: 'Gone Soon', artist: 'Ghost' } });
    expect((await lib.importFolder(music)).updated).toBe(1);
    expect(lib.playable(id)).not.toBeNull();
  });

  it('refuses a folder that does not exist with a clear error', async () => {
    await expect(lib.importFolder(join(root, 'nope'))).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('cannot read the import folder'),
    });
  });

  it('reports progress and stops on abort without flagging anything missing', async () => {
    const seen: number[] = [];
    await lib.importFolder(music, { onProgress: (p) => seen.push(p.done) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const ac = new AbortController();
    ac.abort();
    const r = await lib.importFolder(music, { signal: ac.signal });
    expect(r).toMatchObject({ aborted: true, scanned: 0, missing: 0 });
    expect(lib.trackCount()).toBe(5);
  });
});
