import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runFfmpeg } from '@jukebox/media';
import { parseFile } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExplicitFlag } from './explicit.js';
import { generateCatalog, type GenerateSummary } from './generate.js';
import { planCatalog, type PlanOptions } from './plan.js';

const execFileAsync = promisify(execFile);
const options: PlanOptions = { seed: 5, tracks: 3, minSeconds: 3, maxSeconds: 3 };

describe('generateCatalog (real ffmpeg)', () => {
  let dirA: string;
  let dirB: string;
  let first: GenerateSummary;
  beforeAll(async () => {
    dirA = await mkdtemp(join(tmpdir(), 'catalog-a-'));
    dirB = await mkdtemp(join(tmpdir(), 'catalog-b-'));
    first = await generateCatalog({ ...options, out: dirA, jobs: 2 });
    await generateCatalog({ ...options, out: dirB, jobs: 1 });
  }, 120_000);
  afterAll(async () => {
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  });

  it('writes tagged MP3s that music-metadata reads back', async () => {
    expect(first).toMatchObject({ tracks: 3, made: 3, skipped: 0 });
    const plan = planCatalog(options);
    expect(plan.tracks.some((t) => t.explicit)).toBe(true);
    for (const t of plan.tracks) {
      const meta = await parseFile(join(dirA, t.path));
      expect(meta.common.title).toBe(t.title);
      expect(meta.common.artist).toBe(t.artist);
      expect(meta.common.album).toBe(t.album);
      expect(meta.common.genre).toEqual([t.genre]);
      expect(meta.common.year).toBe(t.year);
      expect(meta.common.track.no).toBe(t.trackNo);
      expect(meta.common.isrc).toEqual([t.isrc]);
      expect(readExplicitFlag(meta)).toBe(t.explicit);
      expect(meta.common.picture?.[0]?.format).toBe('image/jpeg');
      const cover = await readFile(join(dirA, plan.albums[t.albumId - 1]!.coverPath));
      expect(Buffer.compare(Buffer.from(meta.common.picture![0]!.data), cover)).toBe(0);
      expect(meta.format.sampleRate).toBe(44_100);
      expect(meta.format.numberOfChannels).toBe(2);
      expect(meta.format.tagTypes).toContain('ID3v2.4');
    }
  });

  it('has the planned duration (gapless decode) and distinct loudness near the targets', async () => {
    const plan = planCatalog(options);
    const measured: number[] = [];
    for (const t of plan.tracks) {
      const file = join(dirA, t.path);
      const { stderr } = await runFfmpeg([
        '-i',
        file,
        '-map',
        '0:a',
        '-af',
        'ebur128=framelog=40',
        '-f',
        'null',
        '-',
      ]);
      const lufs = Number(
        /I:\s+(-?[\d.]+) LUFS\s+Threshold[\s\S]*$/.exec(
          stderr.slice(stderr.lastIndexOf('Integrated')),
        )?.[1],
      );
      measured.push(lufs);
      expect(Math.abs(lufs - t.loudnessLufs)).toBeLessThan(1.5);
      const { stdout } = await execFileAsync('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format=duration',
        '-of',
        'csv=p=0',
        file,
      ]);
      expect(Math.abs(Number(stdout.trim()) * 1000 - t.durationMs)).toBeLessThan(60);
    }
    const sorted = [...measured].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThan(2);
  });

  it('produces identical bytes in two runs, and skips up-to-date files on a re-run', async () => {
    for (const t of planCatalog(options).tracks) {
      const [a, b] = await Promise.all([
        readFile(join(dirA, t.path)),
        readFile(join(dirB, t.path)),
      ]);
      expect(Buffer.compare(a, b)).toBe(0);
    }
    const again = await generateCatalog({ ...options, out: dirA });
    expect(again).toMatchObject({ made: 0, skipped: 3 });
  });
});
