import { readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChildCount } from '../children.js';
import { ffmpegChildren } from '../ingest/test-support/fixtures.js';
import { isAlive, useTempDir } from '../test-support/tmp.js';
import { assembleCdImage } from './assemble.js';
import { CdImageError } from './errors.js';
import type { CdImageRequest } from './request.js';
import { makeSparseWav, stallingServer } from './test-support/fixtures.js';

const tmp = useTempDir();
let stalling: Awaited<ReturnType<typeof stallingServer>>;
let counter = 0;

beforeAll(async () => {
  stalling = await stallingServer();
  await Promise.all([
    makeSparseWav(tmp.path('five-minutes.wav'), 300),
    makeSparseWav(tmp.path('long-1.wav'), 38 * 60),
    makeSparseWav(tmp.path('long-2.wav'), 38 * 60),
    writeFile(tmp.path('junk.mp3'), Buffer.from('not audio '.repeat(500))),
  ]);
});

afterAll(async () => {
  await stalling?.close();
});

function request(sources: string[], extra: Partial<CdImageRequest> = {}): CdImageRequest {
  return {
    tracks: sources.map((source, i) => ({ source, title: `Track ${i + 1}`, performer: 'A' })),
    title: 'Disc',
    performer: 'Various',
    recordingId: `R${++counter}`,
    outDir: tmp.path(`out-${counter}`),
    concurrency: sources.length,
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<CdImageError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CdImageError);
  return err as CdImageError;
}

describe('stopping an assembly', () => {
  it('an abort mid-way kills every ffmpeg child and removes the temp folder', async () => {
    const abort = new AbortController();
    // The stalled source never ends, so the abort lands while both decodes run.
    const req = request([tmp.path('five-minutes.wav'), stalling.url], { signal: abort.signal });
    const running = assembleCdImage(req);
    await stalling.started;
    const pids = ffmpegChildren();
    expect((await readdir(req.outDir)).map((n) => n.replace(/-.*/, '-*'))).toEqual([
      `.${req.recordingId}.partial-*`,
    ]);
    abort.abort(new Error('customer pressed cancel'));
    const err = await failure(running);
    expect(err.kind).toBe('cancelled');
    expect(err.message).toBe('CD image assembly cancelled');
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(isAlive(pid), `ffmpeg ${pid}`).toBe(false);
    expect(ffmpegChildren()).toEqual([]);
    expect(liveChildCount()).toBe(0);
    expect(await readdir(req.outDir)).toEqual([]);
  });

  it('one unreadable track stops the decodes still running (or this would never return)', async () => {
    const req = request([stalling.url, tmp.path('junk.mp3')]);
    const err = await failure(assembleCdImage(req));
    expect(err.kind).toBe('unreadable-source');
    expect(err.track).toBe(2);
    expect(ffmpegChildren()).toEqual([]);
    expect(await readdir(req.outDir)).toEqual([]);
  });

  it('a disc over capacity is refused while tracks are still decoding', async () => {
    // 76 minutes on a 74-minute disc; the third track never ends, so only the running
    // total can have stopped it.
    const req = request([tmp.path('long-1.wav'), tmp.path('long-2.wav'), stalling.url], {
      media: '74',
    });
    const err = await failure(assembleCdImage(req));
    expect(err.kind).toBe('over-capacity');
    expect(err.message).toMatch(
      /^the tracks do not fit a 74-minute disc: they need at least 3\d\d,\d{3} sectors \(7\d:\d\d\) with the 2-second pregap, and the disc holds 333,000 sectors \(74:00\)$/,
    );
    expect(ffmpegChildren()).toEqual([]);
    expect(await readdir(req.outDir)).toEqual([]);
  }, 60_000);
});
