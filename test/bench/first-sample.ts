import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseConfig, startCore } from '@jukebox/kiosk-core';
import { benchCatalog, silentLog, tempDir } from './common.js';
import { fmtMs, percentile, report } from './stats.js';

/** Plain ffmpeg: spawn a decoder to raw PCM and wait for its first byte of audio. */
function plainFirstByte(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn('ffmpeg', [
      '-v',
      'error',
      '-i',
      file,
      '-f',
      's16le',
      '-ar',
      '44100',
      '-ac',
      '2',
      'pipe:1',
    ]);
    child.stdout.once('data', () => {
      resolve(performance.now() - t);
      child.kill('SIGKILL');
    });
    child.once('error', reject);
  });
}

/**
 * Time from "select" (the enqueue call of the kiosk API) to the first sample written to the
 * audio sink, on an idle jukebox with a real-time null sink, against plain ffmpeg's time to
 * its first decoded byte.
 */
export async function benchFirstSample(): Promise<void> {
  const catalog = benchCatalog();
  const tmp = tempDir('first-sample');
  mkdirSync(path.join(tmp.dir, 'data'));
  const core = await startCore(
    parseConfig(
      {
        dataDir: path.join(tmp.dir, 'data'),
        library: { importDirs: [catalog] },
        http: { port: 0 },
        audio: { sink: { kind: 'null', pace: 1 } },
      },
      tmp.dir,
    ),
    { log: silentLog },
  );
  try {
    await core.ready;
    const { jukebox } = core;
    const tracks = jukebox.library.listTracks({ sort: 'title', offset: 0, limit: 20 }).items;
    const ours: number[] = [];
    for (const track of tracks) {
      const started = new Promise<number>((resolve) => {
        const off = jukebox.onEvent((e) => {
          if (e.type === 'state' && e.state.nowPlaying?.track.id === track.id) {
            off();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      const picked = jukebox.pick(track.id);
      if (!picked.ok) throw new Error(`pick refused: ${picked.error.message}`);
      ours.push((await started) - t0);
      const idle = new Promise<void>((resolve) => {
        const off = jukebox.onEvent((e) => {
          if (e.type === 'state' && e.state.nowPlaying === null) {
            off();
            resolve();
          }
        });
      });
      jukebox.skip();
      await idle;
    }
    const files = tracks.map((t) => jukebox.library.playable(t.id)!.path!);
    const reference: number[] = [];
    for (const f of files) reference.push(await plainFirstByte(f));
    const o50 = percentile(ours, 50);
    const r50 = percentile(reference, 50);
    const o99 = percentile(ours, 100);
    report(
      `Select -> first sample written to the sink (${ours.length} songs, idle jukebox)`,
      [
        {
          metric: 'median',
          ours: fmtMs(o50),
          reference: `${fmtMs(r50)} plain ffmpeg first byte`,
          ratio: o50 / r50,
          target: '<= 200 ms',
        },
        {
          metric: 'worst',
          ours: fmtMs(o99),
          reference: fmtMs(Math.max(...reference)),
          ratio: o99 / Math.max(...reference),
        },
      ],
      [
        'ours = enqueue call -> state event showing the song playing (first PCM chunk handed to the sink)',
      ],
    );
  } finally {
    await core.close();
    tmp.cleanup();
  }
}
