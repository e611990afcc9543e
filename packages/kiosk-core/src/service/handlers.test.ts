import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kioskMethods } from '@jukebox/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { replaceFleetSlides } from '../library/attract.js';
import { Library } from '../library/index.js';
import { memoryLog } from '../library/test-support/silent-log.js';
import { captureLog } from '../money/test-support/capture-log.js';
import { dispatch } from './dispatch.js';
import { createHandlers } from './handlers.js';
import type { Jukebox } from './jukebox.js';

let dir: string;
let db: Db;
let library: Library;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kc-handlers-'));
  db = openDatabase(path.join(dir, 'box.sqlite'));
  library = new Library(db, {
    dataDir: dir,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kiosk API handlers', () => {
  it('getAttractSlides answers the fleet slides in their order, then album covers', async () => {
    const png = (n: number) =>
      library.covers.put(
        Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(32, n)]),
        'image/png',
      );
    const [second, first, album] = [await png(1), await png(2), await png(3)];
    replaceFleetSlides(db, [first, second]);
    library.insertRecords([
      {
        title: 'Song',
        artist: 'Artist',
        album: 'Album',
        genre: null,
        year: null,
        trackNo: null,
        isrc: null,
        explicit: false,
        durationMs: 1000,
        path: path.join(dir, 'song.mp3'),
      },
    ]);
    db.prepare('UPDATE tracks SET cover_id = ?').run(album);
    // Only the library is used by this handler; the rest of the jukebox is not built.
    const handlers = createHandlers({ library } as unknown as Jukebox);
    const result = await dispatch(handlers, 'getAttractSlides', {}, captureLog().log);
    expect(result).toEqual({
      ok: true,
      value: [
        { coverId: first, kind: 'fleet' },
        { coverId: second, kind: 'fleet' },
        { coverId: album, kind: 'album' },
      ],
    });
    expect(kioskMethods.getAttractSlides.result.safeParse(result.ok && result.value).success).toBe(
      true,
    );
  });
});
