import { mkdir, readdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { liveChildCount } from '../children.js';
import { isAlive, useTempDir } from '../test-support/tmp.js';
import { IngestError } from './errors.js';
import { ingestTrack } from './ingest.js';
import type { IngestProgress, IngestStage } from './progress.js';
import { ffmpegChildren, makeNoise } from './test-support/fixtures.js';

const tmp = useTempDir();
let source = '';
let counter = 0;

beforeAll(async () => {
  // Long enough (30 s) that each ffmpeg stage runs for a while and reports progress.
  source = tmp.path('long.wav');
  await makeNoise(source, { frames: 30 * 44_100 });
});

async function freshDir(): Promise<string> {
  const dir = tmp.path(`out-${++counter}`);
  await mkdir(dir);
  return dir;
}

/**
 * Starts an ingest and aborts it once `stage` has an ffmpeg child running; returns the
 * error, the pids that were running at the abort, and the output folder.
 */
async function abortDuring(stage: IngestStage) {
  const outDir = await freshDir();
  const abort = new AbortController();
  let pids: number[] = [];
  let watching = false;
  const onProgress = (p: IngestProgress) => {
    if (p.stage !== stage || watching) return;
    watching = true;
    // Poll until this stage's child exists (it is spawned just after the report), then abort.
    const poll = () => {
      pids = ffmpegChildren();
      if (pids.length > 0 || abort.signal.aborted) abort.abort(new Error('user pressed cancel'));
      else setTimeout(poll, 5);
    };
    poll();
  };
  const err = await ingestTrack(source, { outDir, signal: abort.signal, onProgress }).then(
    () => null,
    (e: unknown) => e,
  );
  return { err, pids, outDir };
}

describe('cancelling an ingest', () => {
  it.each(['transcode', 'loudness', 'preview'] as const)(
    'during %s kills the ffmpeg child and removes every output',
    async (stage) => {
      const { err, pids, outDir } = await abortDuring(stage);
      expect(err).toBeInstanceOf(IngestError);
      expect((err as IngestError).kind).toBe('cancelled');
      expect((err as IngestError).message).toBe(`ingest of ${source} cancelled`);
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) expect(isAlive(pid), `ffmpeg ${pid}`).toBe(false);
      expect(ffmpegChildren()).toEqual([]);
      expect(liveChildCount()).toBe(0);
      // Earlier stages had committed files (delivery.mp3 before loudness): gone as well.
      expect(await readdir(outDir)).toEqual([]);
    },
  );

  it('with a signal aborted before the start does nothing at all', async () => {
    const outDir = await freshDir();
    const progress: IngestProgress[] = [];
    const err = await ingestTrack(source, {
      outDir,
      signal: AbortSignal.abort(),
      onProgress: (p) => progress.push(p),
    }).catch((e: unknown) => e);
    expect((err as IngestError).kind).toBe('cancelled');
    expect(progress).toEqual([]);
    expect(await readdir(outDir)).toEqual([]);
  });
});
