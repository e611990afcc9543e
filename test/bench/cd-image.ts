import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { assembleCdImage, checkCdImage } from '@jukebox/media';
import { root, tempDir } from './common.js';
import { fmtMs, report } from './stats.js';

const run = promisify(execFile);

/**
 * Lengths of the 15 sources in seconds: 73:44 of audio, with the 2-second pregap and the
 * padding 332,100 sectors, so the disc just fits a 74-minute blank (333,000 sectors).
 */
const LENGTHS = [281, 312, 267, 305, 290, 318, 276, 300, 287, 309, 272, 296, 314, 284, 313];

/**
 * The sources, made once and kept under test/bench/.cache/cd-image: pink noise (a new seed
 * per track) as MP3 at 256 kbit/s CBR with the LAME header, the library's delivery format.
 * Encoding 74 minutes takes a minute or two; later runs reuse the files.
 */
async function benchSources(): Promise<string[]> {
  const dir = path.join(root, 'test/bench/.cache/cd-image');
  const stamp = path.join(dir, 'lengths.json');
  const files = LENGTHS.map((_, i) => path.join(dir, `${String(i + 1).padStart(2, '0')}.mp3`));
  const wanted = JSON.stringify(LENGTHS);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && files.every(existsSync)) {
    return files;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`(making the ${LENGTHS.length} CD benchmark sources once, in ${dir})`);
  await pool(files, 2, async (file, i) => {
    await run('ffmpeg', [
      '-v',
      'error',
      '-nostdin',
      '-f',
      'lavfi',
      '-i',
      `anoisesrc=r=44100:a=0.2:c=pink:seed=${i + 11}:d=${LENGTHS[i]}`,
      '-ac',
      '2',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '256k',
      '-write_xing',
      '1',
      '-y',
      file,
    ]);
  });
  writeFileSync(stamp, wanted);
  return files;
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** What the reference does for each file: a plain ffmpeg decode to a WAV file. */
async function plainToWav(source: string, target: string): Promise<void> {
  await run('ffmpeg', [
    '-v',
    'error',
    '-nostdin',
    '-i',
    source,
    '-ar',
    '44100',
    '-ac',
    '2',
    '-y',
    target,
  ]);
}

/**
 * CPU time of this process and of its children that have been waited for (ffmpeg, cdrdao),
 * in ms, from /proc/self/stat (utime, stime, cutime, cstime, in clock ticks of 10 ms).
 */
function cpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of stat(5); the slice starts at field 3.
  return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) * 10;
}

/** Wall and CPU time of `fn` (the CPU of this process and every child it waited for). */
async function timed(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t = performance.now();
  const c = cpuMs();
  await fn();
  return { wall: performance.now() - t, cpu: cpuMs() - c };
}

type Timing = { wall: number; cpu: number };

/**
 * A 74-minute, 15-track CD image assembled from MP3 sources (decode, pad, hash, WAVs and TOC,
 * every file fsynced) against plain ffmpeg decoding the same files to WAV, `concurrency` at
 * a time (the default, one per core) and one after another. Three rounds taking turns; the
 * best of each is compared, so a burst of load from elsewhere hurts neither side alone. CPU
 * time (ours: Node and its ffmpeg children) is printed too: on a shared machine it moves far
 * less than wall time, and when the cores are saturated it is what wall time follows.
 */
export async function benchCdImage(): Promise<void> {
  const sources = await benchSources();
  const concurrency = availableParallelism();
  const rounds = 3;
  const tmp = tempDir('cd-image');
  // An interrupted run still removes its gigabyte of WAVs.
  const onInterrupt = () => {
    tmp.cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  const ours: Timing[] = [];
  const parallel: Timing[] = [];
  const sequential: Timing[] = [];
  let check: Timing = { wall: 0, cpu: 0 };
  let sectors = 0;
  let checkedOk = false;
  try {
    for (let r = 0; r < rounds; r++) {
      const outDir = path.join(tmp.dir, `ours-${r}`);
      let tocPath = '';
      ours.push(
        await timed(async () => {
          const image = await assembleCdImage({
            tracks: sources.map((source, i) => ({
              source,
              title: `Benchmark track ${i + 1}`,
              performer: 'Pink Noise',
            })),
            title: 'CD image benchmark',
            performer: 'Various Artists',
            recordingId: `RBENCH${r}`,
            outDir,
            media: '74',
            concurrency,
          });
          sectors = image.totalSectors;
          tocPath = image.tocPath;
        }),
      );
      if (r === 0) {
        check = await timed(async () => {
          checkedOk = (await checkCdImage(tocPath)).ok;
        });
      }
      rmSync(outDir, { recursive: true, force: true });

      const parDir = path.join(tmp.dir, `parallel-${r}`);
      mkdirSync(parDir);
      parallel.push(
        await timed(() =>
          pool(sources, concurrency, (s, i) => plainToWav(s, path.join(parDir, `${i + 1}.wav`))),
        ),
      );
      rmSync(parDir, { recursive: true, force: true });

      const seqDir = path.join(tmp.dir, `sequential-${r}`);
      mkdirSync(seqDir);
      sequential.push(
        await timed(() =>
          pool(sources, 1, (s, i) => plainToWav(s, path.join(seqDir, `${i + 1}.wav`))),
        ),
      );
      rmSync(seqDir, { recursive: true, force: true });
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    tmp.cleanup();
  }

  const best = (xs: Timing[], k: keyof Timing) => Math.min(...xs.map((x) => x[k]));
  const all = (xs: Timing[]) => xs.map((x) => fmtMs(x.wall)).join(', ');
  const seconds = LENGTHS.reduce((a, b) => a + b, 0);
  const length = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  report(
    `CD image, ${LENGTHS.length} tracks, ${length} from MP3 256k (${sectors.toLocaleString('en-US')} sectors)`,
    [
      {
        metric: `assemble, ${concurrency} at a time`,
        ours: fmtMs(best(ours, 'wall')),
        reference: `${fmtMs(best(parallel, 'wall'))} plain ffmpeg to WAV, ${concurrency} at a time`,
        ratio: best(ours, 'wall') / best(parallel, 'wall'),
        target: '<= 1.10x',
      },
      {
        metric: 'CPU time of the above',
        ours: fmtMs(best(ours, 'cpu')),
        reference: fmtMs(best(parallel, 'cpu')),
        ratio: best(ours, 'cpu') / best(parallel, 'cpu'),
      },
      {
        metric: 'against one at a time',
        ours: fmtMs(best(ours, 'wall')),
        reference: `${fmtMs(best(sequential, 'wall'))} plain ffmpeg to WAV, one at a time`,
        ratio: best(ours, 'wall') / best(sequential, 'wall'),
      },
      {
        metric: 'cdrdao toc-size + read-test',
        ours: `${fmtMs(check.wall)} (${checkedOk ? 'passed' : 'FAILED'})`,
        reference: '-',
        ratio: null,
      },
    ],
    [
      `wall per round: ours ${all(ours)}; parallel ${all(parallel)}; sequential ${all(sequential)}`,
      'ours = decode, sector padding, TOC, fsync of every file, rename into place (no PCM hash: the burn path)',
      'plain ffmpeg = `ffmpeg -i SRC -ar 44100 -ac 2 OUT.wav` per track, no fsync',
    ],
  );
}

// `node --conditions=@jukebox/source --import tsx cd-image.ts` runs it on its own.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`# Benchmarks (${new Date().toISOString()}, node ${process.version})`);
  await benchCdImage();
}
