import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { CoverStore } from './covers.js';
import { ffprobeDuration } from './probe.js';
import { fileStamp, readTrackFile } from './scan.js';

let dir: string;
let db: Db;
let covers: CoverStore;
const probe = ffprobeDuration({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });

const ffmpeg = (...args: string[]) =>
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'sine=duration=2',
    ...args,
  ]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kc-scan-'));
  db = openDatabase(':memory:');
  covers = new CoverStore(db, dir);
  // Raw ADTS AAC and a VBR MP3 without a Xing header: no duration in any header.
  ffmpeg('-c:a', 'aac', '-metadata', 'title=Raw AAC', join(dir, 'raw.aac'));
  ffmpeg('-c:a', 'libmp3lame', '-q:a', '4', '-write_xing', '0', join(dir, 'vbr.mp3'));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readTrackFile', () => {
  it('asks ffprobe for the duration when the headers do not give it', async () => {
    for (const name of ['raw.aac', 'vbr.mp3']) {
      const path = join(dir, name);
      const read = await readTrackFile(path, await fileStamp(path), covers, probe);
      expect(read.ok, name).toBe(true);
      if (read.ok) expect(Math.abs(read.file.durationMs - 2000), name).toBeLessThan(150);
    }
  });

  it('skips a file whose duration nobody can tell', async () => {
    const path = join(dir, 'vbr.mp3');
    const read = await readTrackFile(path, await fileStamp(path), covers, async () => null);
    expect(read).toEqual({ ok: false, reason: 'could not determine the duration' });
  });
});
