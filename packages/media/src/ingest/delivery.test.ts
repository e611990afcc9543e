import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { audioFilters, firstAudioStream, input, pcmOutput } from '../args.js';
import { countDecodedFrames, countFrames, decodeArgs, plainDecodeArgs } from '../decode.js';
import { probe } from '../probe.js';
import { runFfmpeg } from '../runner.js';
import { useTempDir } from '../test-support/tmp.js';
import { DELIVERY_RESAMPLE, deliveryArgs, deliveryFormatFor } from './delivery.js';
import { decodePcm, makeNoise, makeTaggedMp3 } from './test-support/fixtures.js';

const tmp = useTempDir();

async function transcode(source: string, target: string, channels = 2): Promise<void> {
  await runFfmpeg(deliveryArgs(source, target, deliveryFormatFor(channels)));
}

/** Frames of the source decoded at 44.1 kHz, resampled as the transcode resamples. */
async function referenceFrames(source: string): Promise<number> {
  return countFrames([
    ...input(source),
    ...firstAudioStream,
    ...audioFilters([DELIVERY_RESAMPLE]),
    ...pcmOutput(),
  ]);
}

// Odd lengths, so neither an MP3 frame (1152) nor a resampler block lines up with the end.
const sources = [
  { name: 'odd-44k.wav', frames: 132_311, rate: 44_100, channels: 2 },
  { name: 'odd-48k.flac', frames: 100_003, rate: 48_000, channels: 2 },
  { name: 'mono-44k.flac', frames: 77_777, rate: 44_100, channels: 1 },
  { name: 'hires-96k.flac', frames: 96_001, rate: 96_000, channels: 2 },
];

describe('delivery format: MP3 with the LAME header, sample-exact at 44.1 kHz', () => {
  it.each(sources)(
    'decodes to exactly the source frame count: $name',
    async ({ name, frames, rate, channels }) => {
      const source = tmp.path(name);
      const delivery = tmp.path(`${name}.mp3`);
      await makeNoise(source, { frames, rate, channels });
      await transcode(source, delivery, channels);

      const expected = await referenceFrames(source);
      if (rate === 44_100) expect(expected).toBe(frames);
      expect(await countDecodedFrames(delivery)).toBe(expected);
      // The box's own decode (gain and limiter) keeps that length too.
      expect(await countFrames(decodeArgs(delivery, { gainDb: 4 }))).toBe(expected);

      const info = await probe(delivery);
      expect(info).toMatchObject({
        container: 'mp3',
        audio: { codec: 'mp3', sampleRate: 44_100, channels },
        tags: {},
        hasCoverArt: false,
      });
    },
  );

  it('keeps the length of an MP3 upload and writes no tags or cover into the delivery', async () => {
    const source = tmp.path('upload.mp3');
    const delivery = tmp.path('upload.delivery.mp3');
    await makeTaggedMp3(source, { seconds: 2.5, tags: { title: 'Tagged', TSRC: 'USS1Z9900001' } });
    await transcode(source, delivery);
    expect(await countDecodedFrames(delivery)).toBe(await countDecodedFrames(source));
    const head = (await readFile(delivery)).subarray(0, 400).toString('latin1');
    // No ID3 tag: the file starts with an MPEG frame sync, whose Info frame holds the header.
    expect(head.charCodeAt(0)).toBe(0xff);
    expect(head).toContain('Info');
    expect(head).not.toContain('Tagged');
  });

  it('is deterministic: the same upload gives the same bytes (one hash in the store)', async () => {
    const source = tmp.path('det.wav');
    await makeNoise(source, { frames: 50_001, seed: 9 });
    const hashes: string[] = [];
    for (const n of [1, 2]) {
      const out = tmp.path(`det-${n}.mp3`);
      await transcode(source, out);
      hashes.push(
        createHash('sha256')
          .update(await readFile(out))
          .digest('hex'),
      );
    }
    expect(hashes[0]).toBe(hashes[1]);
  });

  it('joins two tracks decoded back to back without inserted silence or shift', async () => {
    const parts = [
      { name: 'join-a.wav', frames: 66_667, seed: 3 },
      { name: 'join-b.wav', frames: 55_555, seed: 4 },
    ];
    const sourcePcm: Int16Array[] = [];
    const deliveryPcm: Int16Array[] = [];
    for (const p of parts) {
      const source = tmp.path(p.name);
      const delivery = tmp.path(`${p.name}.mp3`);
      await makeNoise(source, p);
      await transcode(source, delivery);
      sourcePcm.push(await decodePcm(plainDecodeArgs(source)));
      deliveryPcm.push(await decodePcm(plainDecodeArgs(delivery)));
    }
    const src = concat(sourcePcm);
    const del = concat(deliveryPcm);
    expect(del.length).toBe(src.length);

    const join = parts[0]!.frames; // in frames; samples are interleaved stereo
    const left = (a: Int16Array, from: number, n: number) => channel(a, from, n, 0);
    // Each side of the join lines up with the source at lag 0 (noise makes the peak sharp)...
    expect(bestLag(left(src, join - 4096, 4096), left(del, join - 4096, 4096))).toBe(0);
    expect(bestLag(left(src, join, 4096), left(del, join, 4096))).toBe(0);
    // ...and every 64-frame block around it has the source's energy: no gap, no fade.
    for (let at = join - 1024; at < join + 1024; at += 64) {
      const ratioDb = 20 * Math.log10(rms(left(del, at, 64)) / rms(left(src, at, 64)));
      expect(Math.abs(ratioDb), `block at frame ${at}`).toBeLessThan(3);
    }
  });
});

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `n` frames of one channel of interleaved stereo, starting at frame `from`. */
function channel(pcm: Int16Array, from: number, n: number, ch: 0 | 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pcm[(from + i) * 2 + ch] ?? 0;
  return out;
}

function rms(x: Float64Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / x.length);
}

/** The shift of `b` against `a` (-32..32 frames) with the highest correlation. */
function bestLag(a: Float64Array, b: Float64Array): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = -32; lag <= 32; lag++) {
    let score = 0;
    for (let i = 32; i < a.length - 32; i++) score += a[i]! * b[i + lag]!;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}
