import { describe, expect, it } from 'vitest';
import { firstAudioStream, input } from '../args.js';
import { probe } from '../probe.js';
import { runFfmpeg } from '../runner.js';
import { useTempDir } from '../test-support/tmp.js';
import { previewArgs, previewFormatFor, previewWindow, type PreviewWindow } from './preview.js';
import { decodePcm, makeNoise } from './test-support/fixtures.js';

const tmp = useTempDir();

/** The preview decoded at its own 48 kHz, as interleaved s16 samples of `channels`. */
function decode48k(file: string, channels: number): string[] {
  return [...input(file), ...firstAudioStream, '-f', 's16le', '-ac', String(channels), 'pipe:1'];
}

describe('previewWindow', () => {
  it('starts 30 s clips at 30% of the track', () => {
    expect(previewWindow(200_000)).toEqual({
      startMs: 60_000,
      durationMs: 30_000,
      fadeInMs: 1_000,
      fadeOutMs: 2_000,
    });
  });

  it('moves the clip earlier when 30% + 30 s would run past the end', () => {
    expect(previewWindow(40_000)).toMatchObject({ startMs: 10_000, durationMs: 30_000 });
  });

  it('previews a track no longer than the clip whole, with fades shortened to fit', () => {
    expect(previewWindow(30_000)).toMatchObject({ startMs: 0, durationMs: 30_000 });
    expect(previewWindow(4_000)).toEqual({
      startMs: 0,
      durationMs: 4_000,
      fadeInMs: 800,
      fadeOutMs: 800,
    });
  });

  it('takes custom clip length, start and fades', () => {
    expect(
      previewWindow(100_000, { clipMs: 10_000, startFraction: 0.5, fadeInMs: 0, fadeOutMs: 500 }),
    ).toEqual({ startMs: 50_000, durationMs: 10_000, fadeInMs: 0, fadeOutMs: 500 });
  });

  it.each([
    [0, {}],
    [Number.NaN, {}],
    [10_000, { clipMs: 500 }],
    [10_000, { startFraction: 1 }],
    [10_000, { startFraction: -0.1 }],
  ])('refuses track %s ms with %j', (trackMs, opts) => {
    expect(() => previewWindow(trackMs, opts)).toThrow(RangeError);
  });
});

describe('preview encode (real ffmpeg)', () => {
  it('is Ogg Opus, exactly 30 s at 48 kHz, cut from 30% of the track, with fades', async () => {
    // 45 s of noise that is only loud between 13.5 s and 43.5 s: exactly the window a 30 s
    // clip at 30% should take. A clip placed 50 ms wrong catches silence at one end.
    const source = tmp.path('window.flac');
    await makeNoise(source, {
      frames: 45 * 44_100,
      extra: ['-af', "volume=0:enable='lt(t,13.5)+gte(t,43.5)'"],
    });
    const format = previewFormatFor(2);
    const encode = async (name: string, window: PreviewWindow) => {
      const out = tmp.path(name);
      await runFfmpeg(previewArgs(source, out, window, format, 0));
      return out;
    };

    const bare = previewWindow(45_000, { fadeInMs: 0, fadeOutMs: 0 });
    expect(bare).toMatchObject({ startMs: 13_500, durationMs: 30_000 });
    const unfaded = await encode('bare.opus', bare);
    const info = await probe(unfaded);
    expect(info.container).toBe('ogg');
    expect(info.audio).toMatchObject({ codec: 'opus', sampleRate: 48_000, channels: 2 });

    let pcm = await decodePcm(decode48k(unfaded, 2));
    expect(pcm.length / 2).toBe(30 * 48_000);
    const level = rmsOf(pcm, 0, 30);
    expect(rmsOf(pcm, 0, 0.05)).toBeGreaterThan(level / 3);
    expect(rmsOf(pcm, 29.95, 30)).toBeGreaterThan(level / 3);
    for (let s = 0; s < 30; s++)
      expect(rmsOf(pcm, s, s + 1), `second ${s}`).toBeGreaterThan(level / 2);

    // The default fades: in from silence, out to silence, full level in between.
    const faded = await encode('faded.opus', previewWindow(45_000));
    pcm = await decodePcm(decode48k(faded, 2));
    expect(pcm.length / 2).toBe(30 * 48_000);
    expect(rmsOf(pcm, 0, 0.01)).toBeLessThan(level / 20);
    expect(rmsOf(pcm, 29.99, 30)).toBeLessThan(level / 20);
    expect(rmsOf(pcm, 1, 28)).toBeGreaterThan(level * 0.8);
  });

  it('previews a short track whole, and a mono one in mono', async () => {
    const source = tmp.path('short-mono.wav');
    await makeNoise(source, { frames: 4 * 44_100, channels: 1 });
    const out = tmp.path('short-mono.opus');
    await runFfmpeg(previewArgs(source, out, previewWindow(4_000), previewFormatFor(1), -3));
    expect((await probe(out)).audio).toMatchObject({ codec: 'opus', channels: 1 });
    expect((await decodePcm(decode48k(out, 1))).length).toBe(4 * 48_000);
  });
});

/** RMS of interleaved stereo 48 kHz samples between two times in seconds. */
function rmsOf(pcm: Int16Array, fromS: number, toS: number): number {
  let sum = 0;
  const from = Math.round(fromS * 48_000) * 2;
  const to = Math.round(toS * 48_000) * 2;
  for (let i = from; i < to; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / (to - from));
}
