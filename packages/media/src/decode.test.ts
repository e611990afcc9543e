import { describe, expect, it } from 'vitest';
import { audioFilters, filter } from './args.js';
import { countDecodedFrames, countFrames, decodeArgs, plainDecodeArgs } from './decode.js';
import { runFfmpeg, spawnFfmpeg } from './runner.js';
import { makeTone } from './test-support/fixtures.js';
import { useTempDir } from './test-support/tmp.js';

const tmp = useTempDir();

// Odd lengths, so no codec frame or filter block boundary lines up with the end.
const cases = [
  { name: 'odd.mp3', seconds: 1.2345, extra: ['-c:a', 'libmp3lame'] },
  { name: 'odd.flac', seconds: 1.2345 },
  { name: 'odd.wav', seconds: 1.2345 },
  { name: 'odd-48k-mono.flac', seconds: 2.0001, rate: 48_000, channels: 1 },
  { name: 'tiny.wav', seconds: 0.003 },
];

async function decode(args: string[]): Promise<Int16Array> {
  const { stdout } = await runFfmpeg(args);
  return new Int16Array(stdout.buffer, stdout.byteOffset, stdout.length / 2);
}

describe('decodeArgs', () => {
  it.each(cases)('keeps the exact frame count of a plain decode: $name', async (c) => {
    const file = tmp.path(c.name);
    await makeTone(file, c);
    const plain = await countDecodedFrames(file);
    expect(plain).toBeGreaterThan(0);
    expect(await countFrames(decodeArgs(file, { gainDb: 6 }))).toBe(plain);
    expect(await countFrames(decodeArgs(file, { gainDb: -3, limiterCeilingDb: -6 }))).toBe(plain);
  });

  it('an mp3 with a LAME header decodes to its exact source length', async () => {
    const file = tmp.path('exact.mp3');
    await makeTone(file, { seconds: 1.2345, extra: ['-c:a', 'libmp3lame'] });
    expect(await countFrames(decodeArgs(file))).toBe(Math.round(44_100 * 1.2345));
  });

  it('keeps the signal in place (no look-ahead delay, tail intact)', async () => {
    const file = tmp.path('aligned.wav');
    await makeTone(file, { seconds: 1.2345 });
    // The default tone peaks at 1/8 full scale, far below a 0 dB ceiling: the limiter must be
    // transparent, so the samples equal a plain decode (within float rounding).
    const plain = await decode(plainDecodeArgs(file));
    const limited = await decode(decodeArgs(file, { limiterCeilingDb: 0 }));
    expect(limited.length).toBe(plain.length);
    let maxDiff = 0;
    for (let i = 0; i < plain.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(plain[i]! - limited[i]!));
    expect(maxDiff).toBeLessThanOrEqual(2);
  });

  it('applies the gain and holds the ceiling', async () => {
    const file = tmp.path('hot.wav');
    await makeTone(file, { seconds: 1 });
    // +24 dB takes a 1/8 full-scale tone to ~2x full scale; the limiter holds it at -1 dBFS.
    const pcm = await decode(decodeArgs(file, { gainDb: 24, limiterCeilingDb: -1 }));
    let peak = 0;
    for (const s of pcm) peak = Math.max(peak, Math.abs(s));
    const ceiling = 32_768 * 10 ** (-1 / 20);
    expect(peak).toBeLessThanOrEqual(Math.ceil(ceiling) + 1);
    expect(peak).toBeGreaterThan(ceiling * 0.9);
  });

  it('seeks', async () => {
    const file = tmp.path('seek.flac');
    await makeTone(file, { seconds: 2 });
    expect(await countFrames(decodeArgs(file, { seekMs: 500 }))).toBe(44_100 * 1.5);
  });

  it('rejects a ceiling alimiter cannot take', () => {
    expect(() => decodeArgs('x.mp3', { limiterCeilingDb: 3 })).toThrow(RangeError);
    expect(() => decodeArgs('x.mp3', { limiterCeilingDb: -30 })).toThrow(RangeError);
  });

  it('streams through spawnFfmpeg as the player uses it', async () => {
    const file = tmp.path('stream.mp3');
    await makeTone(file, { seconds: 0.75, extra: ['-c:a', 'libmp3lame'] });
    const child = spawnFfmpeg(decodeArgs(file, { gainDb: 1.5 }));
    let bytes = 0;
    for await (const chunk of child.stdout) bytes += (chunk as Buffer).length;
    await child.done;
    expect(bytes / 4).toBe(await countDecodedFrames(file));
  });
});

describe('args', () => {
  it('builds filter chains and refuses filtergraph syntax in values', () => {
    expect(audioFilters([filter('volume', { volume: '3.00dB' }), filter('anull')])).toEqual([
      '-af',
      'volume=volume=3.00dB,anull',
    ]);
    expect(() => filter('volume', { volume: '1,anull' })).toThrow(RangeError);
  });
});
