import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstAudioStream, input } from '../args.js';
import { countDecodedFrames } from '../decode.js';
import { gainFor } from '../loudness.js';
import { useTempDir } from '../test-support/tmp.js';
import { ingestTrack } from './ingest.js';
import { INGEST_FILE_NAMES } from './outputs.js';
import type { IngestProgress } from './progress.js';
import type { IngestResult } from './result.js';
import { decodePcm, makeImage, makeNoise, makeTaggedMp3 } from './test-support/fixtures.js';

const tmp = useTempDir();
let counter = 0;

/** A fresh, empty output folder. */
async function outDir(): Promise<string> {
  const dir = tmp.path(`out-${++counter}`);
  await mkdir(dir);
  return dir;
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

const STAGES = ['probe', 'transcode', 'verify', 'loudness', 'preview', 'cover', 'finish', 'done'];

describe('ingestTrack (real ffmpeg, music-metadata, sharp)', () => {
  let upload = '';
  let result: IngestResult;
  let dir: string;
  const progress: IngestProgress[] = [];

  beforeAll(async () => {
    upload = tmp.path('upload.mp3');
    const cover = tmp.path('embedded.jpg');
    await writeFile(cover, await makeImage({ width: 500, height: 500 }));
    await makeTaggedMp3(upload, {
      seconds: 8,
      coverFile: cover,
      tags: {
        title: 'Midnight Ferry',
        artist: 'Harbour Lights',
        album: 'Night Crossings',
        genre: 'Jazz',
        date: '1962',
        track: '2',
        TSRC: 'us-hl1-62-00002',
        ITUNESADVISORY: '1',
      },
    });
    dir = await outDir();
    result = await ingestTrack(upload, { outDir: dir, onProgress: (p) => progress.push(p) });
  });

  it('returns the tags, including ISRC and the explicit flag', () => {
    expect(result.metadata).toEqual({
      title: 'Midnight Ferry',
      artist: 'Harbour Lights',
      albumArtist: null,
      album: 'Night Crossings',
      genre: 'Jazz',
      year: 1962,
      trackNo: 2,
      isrc: 'USHL16200002',
      explicit: true,
      advisory: 'explicit',
    });
    expect(result.warnings).toEqual([]);
  });

  it('writes exactly its outputs into the folder, with true sizes and SHA-256', async () => {
    expect((await readdir(dir)).sort()).toEqual([
      'cover-200.jpg',
      'cover-600.jpg',
      'delivery.mp3',
      'preview.opus',
    ]);
    const files = [result.delivery, result.preview, ...result.cover!.images];
    for (const file of files) {
      expect(file.path.startsWith(dir)).toBe(true);
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(file.sha256).toBe(await sha256(file.path));
      expect(file.sizeBytes).toBe((await stat(file.path)).size);
    }
    expect(result.source).toMatchObject({
      path: upload,
      sha256: await sha256(upload),
      container: 'mp3',
      codec: 'mp3',
      sampleRate: 44_100,
      channels: 2,
    });
  });

  it('describes a sample-exact MP3 delivery and its durations', async () => {
    expect(result.delivery.path).toBe(join(dir, INGEST_FILE_NAMES.delivery));
    expect(result.delivery.format).toMatchObject({
      container: 'mp3',
      codec: 'mp3',
      mimeType: 'audio/mpeg',
      sampleRate: 44_100,
      channels: 2,
      bitrateKbps: 256,
    });
    const sourceFrames = await countDecodedFrames(upload);
    expect(result.durations.deliveryFrames).toBe(sourceFrames);
    expect(await countDecodedFrames(result.delivery.path)).toBe(sourceFrames);
    expect(result.durations.deliveryMs).toBe(Math.round((sourceFrames * 1000) / 44_100));
    expect(result.durations.deliveryMs).toBe(8_000);
    expect(result.durations.declaredMs).toBeGreaterThanOrEqual(8_000);
  });

  it('measures loudness and stores the gain to -18 LUFS', () => {
    const { loudness } = result;
    expect(loudness.targetLufs).toBe(-18);
    expect(loudness.integratedLufs).toBeGreaterThan(-40);
    expect(loudness.integratedLufs).toBeLessThan(-5);
    expect(loudness.gainDb).toBe(gainFor(loudness.integratedLufs, -18).gainDb);
    expect(loudness.gainNote).toBeNull();
  });

  it('previews a track shorter than 30 s whole, as Ogg Opus', async () => {
    expect(result.preview.window).toEqual({
      startMs: 0,
      durationMs: 8_000,
      fadeInMs: 1_000,
      fadeOutMs: 1_600,
    });
    expect(result.preview.format).toMatchObject({ container: 'ogg', codec: 'opus', channels: 2 });
    expect(result.durations.previewMs).toBe(8_000);
    const pcm = await decodePcm([
      ...input(result.preview.path),
      ...firstAudioStream,
      '-f',
      's16le',
      '-ac',
      '2',
      'pipe:1',
    ]);
    expect(pcm.length / 2).toBe(8 * 48_000);
  });

  it('resizes the embedded cover', () => {
    expect(result.cover).toMatchObject({
      origin: 'embedded',
      source: { format: 'jpeg', width: 500, height: 500 },
    });
    expect(result.cover!.images.map((i) => [i.size, i.width, i.height, i.mimeType])).toEqual([
      [600, 600, 600, 'image/jpeg'],
      [200, 200, 200, 'image/jpeg'],
    ]);
  });

  it('reports progress in stage order, never backwards, ending at 1', () => {
    expect(progress[0]).toEqual({ stage: 'probe', fraction: 0 });
    expect(progress.at(-1)).toEqual({ stage: 'done', fraction: 1 });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.fraction).toBeGreaterThanOrEqual(progress[i - 1]!.fraction);
      expect(STAGES.indexOf(progress[i]!.stage)).toBeGreaterThanOrEqual(
        STAGES.indexOf(progress[i - 1]!.stage),
      );
    }
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(STAGES));
    expect(progress.filter((p) => p.fraction === 1)).toHaveLength(1);
  });

  it('gives the same delivery and preview bytes when the same upload comes again', async () => {
    const again = await ingestTrack(upload, { outDir: await outDir() });
    expect(again.delivery.sha256).toBe(result.delivery.sha256);
    expect(again.preview.sha256).toBe(result.preview.sha256);
    expect(again.cover!.images.map((i) => i.sha256)).toEqual(
      result.cover!.images.map((i) => i.sha256),
    );
  });
});

describe('ingestTrack options', () => {
  it('prefers the uploaded cover, and clips a long track at 30%', async () => {
    const source = tmp.path('long.flac');
    await makeNoise(source, { frames: 40 * 44_100, seed: 5 });
    const coverFile = tmp.path('upload-cover.png');
    await writeFile(coverFile, await makeImage({ width: 800, height: 400, format: 'png' }));
    const dir = await outDir();
    const result = await ingestTrack(source, { outDir: dir, cover: coverFile, coverSizes: [300] });

    expect(result.cover).toMatchObject({
      origin: 'upload',
      source: { format: 'png', width: 800, height: 400 },
    });
    expect(result.cover!.images.map((i) => [i.size, i.width, i.height])).toEqual([[300, 300, 300]]);
    expect(result.preview.window).toMatchObject({ startMs: 10_000, durationMs: 30_000 });
    expect(result.durations.previewMs).toBe(30_000);
    // Low bitrate: under 64 kbit/s on average.
    expect(result.preview.sizeBytes).toBeLessThan((30 * 64_000) / 8);
    expect(result.metadata.title).toBeNull();
    expect((await readdir(dir)).sort()).toEqual(['cover-300.jpg', 'delivery.mp3', 'preview.opus']);
  });

  it('takes the cover as bytes too, and makes no cover when there is none', async () => {
    const source = tmp.path('plain.wav');
    await makeNoise(source, { frames: 44_100 * 2, channels: 1 });
    const withBytes = await ingestTrack(source, {
      outDir: await outDir(),
      cover: await makeImage({ width: 256, height: 256, format: 'webp' }),
    });
    expect(withBytes.cover?.source.format).toBe('webp');
    expect(withBytes.delivery.format).toMatchObject({ channels: 1, bitrateKbps: 128 });
    expect(withBytes.preview.format).toMatchObject({ channels: 1 });

    const dir = await outDir();
    const without = await ingestTrack(source, { outDir: dir });
    expect(without.cover).toBeNull();
    expect((await readdir(dir)).sort()).toEqual(['delivery.mp3', 'preview.opus']);
  });
});
