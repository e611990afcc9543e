import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Library, LoudnessJob, openDatabase } from '@jukebox/kiosk-core';
import { benchCatalog, silentLog, tempDir, tools } from './common.js';
import { fmtMs, percentile, report } from './stats.js';

const run = promisify(execFile);

function audioFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mp3'))
    .map((f) => path.join(dir, f));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * Library import (tags, covers, SQLite) against bare ffprobe over the same files, and the
 * background loudness pass against plain sequential `ffmpeg -af ebur128`.
 */
export async function benchImport(): Promise<void> {
  const catalog = benchCatalog();
  const files = audioFiles(catalog);
  const rounds = 3;
  const ours: number[] = [];
  const reference: number[] = [];
  let loudnessMs = 0;
  for (let i = 0; i < rounds; i++) {
    const tmp = tempDir('import');
    try {
      const db = openDatabase(path.join(tmp.dir, 'box.sqlite'));
      const library = new Library(db, { dataDir: tmp.dir, tools, log: silentLog });
      ours.push(await timed(() => library.importFolder(catalog)));
      if (i === 0) {
        const job = new LoudnessJob(db, { tools, log: silentLog, targetLufs: -18, workers: 0 });
        loudnessMs = await timed(() => job.run());
      }
      db.close();
    } finally {
      tmp.cleanup();
    }
    reference.push(
      await timed(async () => {
        for (const f of files) {
          await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', f]);
        }
      }),
    );
  }
  const plainLoudness = await timed(async () => {
    for (const f of files) {
      await run('ffmpeg', [
        '-hide_banner',
        '-nostats',
        '-i',
        f,
        '-af',
        'ebur128=peak=true',
        '-f',
        'null',
        '-',
      ]);
    }
  });
  const o = percentile(ours, 50);
  const r = percentile(reference, 50);
  report(
    `Library import, ${files.length} MP3s (median of ${rounds})`,
    [
      {
        metric: 'import (tags, covers, db)',
        ours: `${fmtMs(o)} (${((files.length / o) * 1000).toFixed(0)} files/s)`,
        reference: `${fmtMs(r)} bare ffprobe`,
        ratio: o / r,
        target: '<= 1.2x ffprobe',
      },
      {
        metric: 'loudness pass (background)',
        ours: fmtMs(loudnessMs),
        reference: `${fmtMs(plainLoudness)} sequential ffmpeg ebur128`,
        ratio: loudnessMs / plainLoudness,
      },
    ],
    [
      'import reads tags in-process (music-metadata); loudness runs after import, one worker per core',
    ],
  );
}
