import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from '../library/index.js';
import { memoryLog } from '../library/test-support/silent-log.js';
import { record } from '../library/test-support/records.js';
import { PlayLog } from './play-log.js';

let dir: string;
let file: string;
let db: Db;
let log: PlayLog;
let a: number;
let b: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kc-plays-'));
  file = join(dir, 'box.db');
  db = openDatabase(file);
  const lib = new Library(db, {
    dataDir: dir,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  lib.insertRecords([
    record({ title: 'Alpha', artist: 'One' }),
    record({ title: 'Beta', artist: 'Two' }),
  ]);
  [a, b] = lib.listTracks({ sort: 'title', offset: 0, limit: 10 }).items.map((t) => t.id) as [
    number,
    number,
  ];
  log = new PlayLog(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PlayLog', () => {
  it('counts completed plays only, once each', () => {
    expect(log.lastSeq()).toBe(0);
    const s1 = log.start({ boxId: 'box', trackId: a, entryId: 1 });
    const s2 = log.start({ boxId: 'box', trackId: a, entryId: 2 });
    const s3 = log.start({ boxId: 'box', trackId: b, entryId: 3 });
    expect([s1, s2, s3]).toEqual([1, 2, 3]);
    expect(log.finish(s1, { status: 'completed', playedMs: 180_000 })).toBe(true);
    expect(log.finish(s1, { status: 'completed', playedMs: 180_000 })).toBe(false);
    log.finish(s2, { status: 'completed', playedMs: 179_500 });
    log.finish(s3, { status: 'aborted', playedMs: 1200, reason: 'skipped by staff' });
    expect(log.counts()).toEqual([{ trackId: a, title: 'Alpha', artist: 'One', count: 2 }]);
    expect(log.eventsAfter(2)).toEqual([
      expect.objectContaining({
        seq: 3,
        status: 'aborted',
        reason: 'skipped by staff',
        playedMs: 1200,
      }),
    ]);
    expect(log.lastSeq()).toBe(3);
  });

  it('is on disk when start returns, and recover() aborts plays cut by a crash', () => {
    const seq = log.start({ boxId: 'box', trackId: b, entryId: 9 });
    // A second connection sees the committed event, as a process restarting after a crash would.
    const other = openDatabase(file);
    const after = new PlayLog(other);
    expect(after.recover()).toBe(1);
    expect(after.eventsAfter(0)).toEqual([
      expect.objectContaining({
        seq,
        status: 'aborted',
        reason: 'interrupted by restart',
        playedMs: 0,
      }),
    ]);
    expect(after.counts()).toEqual([]);
    expect(after.finish(seq, { status: 'completed', playedMs: 1 })).toBe(false);
    other.close();
  });

  it('never reuses a sequence number, even after events are deleted', () => {
    const s1 = log.start({ boxId: 'box', trackId: a });
    const s2 = log.start({ boxId: 'box', trackId: a });
    db.prepare('DELETE FROM play_events').run();
    expect(log.lastSeq()).toBe(s2);
    expect(log.start({ boxId: 'box', trackId: a })).toBe(s2 + 1);
    expect(s1).toBeLessThan(s2);
  });
});
