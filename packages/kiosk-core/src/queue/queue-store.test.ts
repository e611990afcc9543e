import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from '../library/index.js';
import { makeAudio } from '../library/test-support/audio.js';
import { memoryLog } from '../library/test-support/silent-log.js';
import { PlayLog } from '../plays/index.js';
import { QueueStore } from './queue-store.js';

let dir: string;
let db: Db;
let lib: Library;
let plays: PlayLog;
let queue: QueueStore;
let ids: number[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kc-queue-'));
  db = openDatabase(join(dir, 'box.db'));
  lib = new Library(db, {
    dataDir: dir,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  mkdirSync(join(dir, 'music'));
  for (const t of ['A', 'B', 'C']) {
    makeAudio(join(dir, 'music', `${t}.mp3`), {
      tags: { title: `Song ${t}`, artist: 'Band' },
      seconds: 0.3,
    });
  }
  await lib.importFolder(join(dir, 'music'));
  ids = lib.listTracks({ sort: 'title', offset: 0, limit: 10 }).items.map((t) => t.id);
  plays = new PlayLog(db);
  queue = new QueueStore(db, { maxEntries: 3 });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('QueueStore', () => {
  it('plays entries in order and hands out the file to play', () => {
    const [a, b] = ids as [number, number];
    const e1 = queue.add(a);
    const e2 = queue.add(b);
    const e3 = queue.add(a);
    expect(queue.list().map((e) => [e.entryId, e.track.title])).toEqual([
      [e1.entryId, 'Song A'],
      [e2.entryId, 'Song B'],
      [e3.entryId, 'Song A'],
    ]);
    const next = queue.takeNext();
    expect(next?.entry.entryId).toBe(e1.entryId);
    expect(next?.playable).toMatchObject({
      path: join(dir, 'music', 'A.mp3'),
      gainDb: null,
      encryption: null,
    });
    expect(queue.list().map((e) => e.entryId)).toEqual([e2.entryId, e3.entryId]);
    expect(queue.finish(e1.entryId)).toBe(true);
    expect(queue.finish(e1.entryId)).toBe(false);
  });

  it('refuses unknown tracks, missing files and a full queue with coded errors', async () => {
    expect(() => queue.add(9999)).toThrow(expect.objectContaining({ code: 'not_found' }));
    rmSync(join(dir, 'music', 'C.mp3'));
    await lib.importFolder(join(dir, 'music'));
    expect(() => queue.add(ids[2]!)).toThrow(expect.objectContaining({ code: 'unavailable' }));
    queue.add(ids[0]!);
    queue.add(ids[0]!);
    queue.add(ids[0]!);
    expect(() => queue.add(ids[1]!)).toThrow(expect.objectContaining({ code: 'queue_full' }));
    queue.takeNext();
    expect(queue.add(ids[1]!).track.title).toBe('Song B');
  });

  it('takeNext returns null when empty, and a null playable for a file gone after queueing', async () => {
    expect(queue.takeNext()).toBeNull();
    queue.add(ids[2]!);
    rmSync(join(dir, 'music', 'C.mp3'));
    await lib.importFolder(join(dir, 'music'));
    expect(queue.takeNext()).toMatchObject({
      entry: { track: { title: 'Song C' } },
      playable: null,
    });
  });

  it('recover() re-queues interrupted entries at the head and settles completed ones', () => {
    const [a, b, c] = ids as [number, number, number];
    const done = queue.add(a);
    const cut = queue.add(b);
    const waiting = queue.add(c);
    // Entry 1 completed but the crash came before finish(); entry 2 was cut mid-song.
    queue.takeNext();
    const s1 = plays.start({ boxId: 'box', trackId: a, entryId: done.entryId });
    plays.finish(s1, { status: 'completed', playedMs: 300 });
    queue.takeNext();
    plays.start({ boxId: 'box', trackId: b, entryId: cut.entryId });

    plays.recover();
    expect(queue.recover()).toEqual({ requeued: [cut.entryId], done: [done.entryId] });
    expect(queue.list().map((e) => e.entryId)).toEqual([cut.entryId, waiting.entryId]);
    expect(queue.takeNext()?.entry.entryId).toBe(cut.entryId);
  });
});
