import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from './library.js';
import { LoudnessJob, type LoudnessProgress, type MeasureLoudness } from './loudness-job.js';
import { makeAudio } from './test-support/audio.js';
import { memoryLog } from './test-support/silent-log.js';

const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
let dir: string;
let db: Db;
let lib: Library;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kc-loud-'));
  mkdirSync(join(dir, 'music'));
  makeAudio(join(dir, 'music', 'a.mp3'), { tags: { title: 'A', artist: 'X' }, seconds: 2 });
  makeAudio(join(dir, 'music', 'b.flac'), {
    tags: { title: 'B', artist: 'X' },
    seconds: 2,
    frequency: 1000,
  });
  makeAudio(join(dir, 'music', 'c.mp3'), { tags: { title: 'C', artist: 'X' }, seconds: 1 });
  db = openDatabase(join(dir, 'box.db'));
  lib = new Library(db, { dataDir: dir, tools, log: memoryLog() });
  await lib.importFolder(join(dir, 'music'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const gains = () =>
  db
    .prepare(
      'SELECT title, gain_db AS gain, integrated_lufs AS lufs, loudness_error AS error FROM tracks ORDER BY title',
    )
    .all() as { title: string; gain: number | null; lufs: number | null; error: string | null }[];

describe('LoudnessJob', () => {
  it('measures pending tracks with real ffmpeg and records a broken file once', async () => {
    // c.mp3 is damaged after import: its measurement must fail and not be retried.
    writeFileSync(join(dir, 'music', 'c.mp3'), 'garbage, not audio');
    expect(lib.pendingLoudnessCount()).toBe(3);
    const seen: LoudnessProgress[] = [];
    const job = new LoudnessJob(db, {
      tools,
      targetLufs: -18,
      workers: 2,
      log: memoryLog(),
      onProgress: (p) => seen.push(p),
    });
    expect(await job.run()).toEqual({ done: 2, failed: 1, total: 3 });
    expect(seen).toHaveLength(3);
    const [a, b, c] = gains();
    // A full-scale-ish sine measures around -3 LUFS, so the gain to -18 is strongly negative.
    expect(a!.lufs).toBeGreaterThan(-30);
    expect(a!.gain).toBeCloseTo(-18 - a!.lufs!, 1);
    expect(b!.gain).not.toBeNull();
    expect(c).toMatchObject({ gain: null, error: expect.any(String) });
    expect(lib.pendingLoudnessCount()).toBe(0);
    const idA = lib.listTracks({ sort: 'title', offset: 0, limit: 1 }).items[0]!.id;
    expect(lib.playable(idA)?.gainDb).toBe(a!.gain);
    expect(await job.run()).toEqual({ done: 0, failed: 0, total: 0 });
    expect(job.retryFailed()).toBe(1);
    expect(lib.pendingLoudnessCount()).toBe(1);
  });

  it('runs at most `workers` measurements at once and stops when cancelled', async () => {
    let inFlight = 0;
    let peak = 0;
    const ac = new AbortController();
    const measure: MeasureLoudness = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      ac.abort();
      return { integratedLufs: -20, truePeakDbtp: -1, lra: 3, gainDb: 2 };
    };
    const job = new LoudnessJob(db, {
      measure,
      tools,
      targetLufs: -18,
      workers: 2,
      log: memoryLog(),
    });
    const r = await job.run({ signal: ac.signal });
    expect(peak).toBe(2);
    expect(r.done).toBe(2);
    expect(lib.pendingLoudnessCount()).toBe(1);
  });
});
