import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWavSink } from '@jukebox/firmware-hal/audio';
import { countDecodedFrames, defaultTools, measureLoudness } from '@jukebox/media';
import { Player } from './player.js';
import {
  FLAC16,
  MP3,
  itemFor,
  makeNoise,
  makeTempDir,
  makeTone,
  memoryLog,
  plainDecode,
  queueOf,
  wavData,
} from './test-support/fixtures.js';
import type { PlayItem, TrackEnd } from './types.js';

// End-to-end through the real pieces: ffmpeg decoders built by decodeArgs, the WAV file sink
// unpaced, and the files checked with ffmpeg again.

let tmp: Awaited<ReturnType<typeof makeTempDir>>;

beforeAll(async () => {
  tmp = await makeTempDir();
});

afterAll(async () => {
  await tmp.cleanup();
});

/** Plays `items` into a fresh unpaced WAV file until the player idles; returns the file. */
async function playIntoWav(
  name: string,
  items: PlayItem[],
  pace = 0,
): Promise<{ wav: Buffer; ended: TrackEnd[] }> {
  const path = tmp.path(name);
  const sink = await createWavSink({ path, pace });
  const ended: TrackEnd[] = [];
  const player = new Player({
    sink,
    tools: defaultTools,
    log: memoryLog(),
    nextItem: queueOf(items).take,
    limiterCeilingDb: -1,
    volume: 100,
  });
  player.on('ended', (_item, end) => ended.push(end));
  const idle = new Promise<void>((resolve) => player.on('idle', resolve));
  player.start();
  await idle;
  await player.stop();
  return { wav: await readFile(path), ended };
}

describe('Player into a WAV sink', () => {
  it('is gapless: MP3 then FLAC, every decoded frame once, nothing at the join', async () => {
    const [mp3, flac] = await Promise.all([
      makeTone(tmp.path('a.mp3'), { freq: 440, seconds: 1.2345, codec: MP3 }),
      makeTone(tmp.path('b.flac'), { freq: 660, seconds: 2.0101, codec: FLAC16 }),
    ]);
    const [framesA, framesB, pcmA, pcmB] = await Promise.all([
      countDecodedFrames(mp3),
      countDecodedFrames(flac),
      plainDecode(mp3),
      plainDecode(flac),
    ]);
    const { wav, ended } = await playIntoWav('gapless.wav', [
      itemFor(mp3, 1234),
      itemFor(flac, 2010),
    ]);
    const data = wavData(wav);
    expect(ended.map((e) => e.status)).toEqual(['completed', 'completed']);
    expect(data.length / 4).toBe(framesA + framesB);

    // 1000 frames either side of the join are the plain decodes' own last and first samples.
    const join = framesA * 4;
    const around = 1000 * 4;
    expect(data.subarray(join - around, join).equals(pcmA.subarray(-around))).toBe(true);
    expect(data.subarray(join, join + around).equals(pcmB.subarray(0, around))).toBe(true);
    expect(data.equals(Buffer.concat([pcmA, pcmB]))).toBe(true);
    expect(longestSilentRun(data.subarray(join - around, join + around))).toBeLessThan(2);
  });

  it('plays a short track in full when its decoder finished while prefetched', async () => {
    // At real time the next decoder starts 2.5 s before the end of a 3 s track and is done
    // long before it is read: its output must still all be there.
    const long = await makeTone(tmp.path('long.mp3'), { freq: 330, seconds: 3, codec: MP3 });
    const short = await makeTone(tmp.path('short.mp3'), { freq: 550, seconds: 1, codec: MP3 });
    const { wav, ended } = await playIntoWav(
      'prefetched.wav',
      [itemFor(long, 3000), itemFor(short, 1000)],
      1,
    );
    const expected = (await countDecodedFrames(long)) + (await countDecodedFrames(short));
    expect(ended.map((e) => e.status)).toEqual(['completed', 'completed']);
    expect(ended[1]!.framesWritten).toBe(await countDecodedFrames(short));
    expect(wavData(wav).length / 4).toBe(expected);
  });

  it('applies the stored gain: a -30 LUFS track plays at -18 LUFS', async () => {
    const quiet = await makeNoise(tmp.path('quiet.flac'), {
      amplitude: 0.17,
      seconds: 8,
      codec: FLAC16,
    });
    const measured = await measureLoudness(quiet, { targetLufs: -18 });
    expect(measured.integratedLufs).toBeGreaterThan(-31.5);
    expect(measured.integratedLufs).toBeLessThan(-28.5);
    expect(measured.gainDb).toBeGreaterThan(10);
    const { ended } = await playIntoWav('loud.wav', [itemFor(quiet, 8000, measured.gainDb)]);
    expect(ended[0]?.status).toBe('completed');
    const played = await measureLoudness(tmp.path('loud.wav'));
    expect(Math.abs(played.integratedLufs - -18)).toBeLessThanOrEqual(1);
  });
});

/** Longest run of consecutive all-zero frames. */
function longestSilentRun(pcm: Buffer): number {
  let longest = 0;
  let run = 0;
  for (let at = 0; at + 4 <= pcm.length; at += 4) {
    run = pcm.readInt32LE(at) === 0 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
