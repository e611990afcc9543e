import { describe, expect, it } from 'vitest';
import { gainFor, measureLoudness, parseEbur128Summary } from './loudness.js';
import { runFfmpeg } from './runner.js';
import { useTempDir } from './test-support/tmp.js';

const tmp = useTempDir();

// A 1 kHz sine at amplitude 0.25 on both channels. K-weighting is unity-ish at 1 kHz by
// design (a full-scale 1 kHz sine on one channel reads -3.01 LUFS), so this reads
// -3.01 + 20*log10(0.25) + 3.01 = -12.04 LUFS, with a true peak of -12.04 dBTP.
const SINE = 'aevalsrc=0.25*sin(2*PI*1000*t)|0.25*sin(2*PI*1000*t):s=44100:d=6';

describe('measureLoudness', () => {
  it('measures a sine of known level as theory and ffmpeg itself say', async () => {
    const file = tmp.path('sine.flac');
    await runFfmpeg(['-f', 'lavfi', '-i', SINE, file]);
    const result = await measureLoudness(file);

    expect(Math.abs(result.integratedLufs - -12.04)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(result.truePeakDbtp - -12.04)).toBeLessThanOrEqual(0.5);
    expect(result.lra).toBeLessThan(1);
    expect(result.gainDb).toBeCloseTo(-18 - result.integratedLufs, 2);
    expect(result.gainNote).toBeNull();

    // ffmpeg's own report, read independently of our parser's regexes.
    const { stderr } = await runFfmpeg(['-i', file, '-af', 'ebur128', '-f', 'null', '-']);
    const own = Number(
      /I:\s+(-?[\d.]+) LUFS\s+Threshold/.exec(stderr.slice(stderr.lastIndexOf('Summary')))![1],
    );
    expect(Math.abs(result.integratedLufs - own)).toBeLessThanOrEqual(0.5);
  });

  it('uses the target it is given', async () => {
    const file = tmp.path('sine-target.flac');
    await runFfmpeg(['-f', 'lavfi', '-i', SINE, file]);
    const result = await measureLoudness(file, { targetLufs: -23 });
    expect(result.gainDb).toBeCloseTo(-23 - result.integratedLufs, 2);
  });

  it('gives silence no gain and says why', async () => {
    const file = tmp.path('silence.wav');
    await runFfmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo:d=3', file]);
    const result = await measureLoudness(file);
    expect(result.integratedLufs).toBe(-70);
    expect(result.truePeakDbtp).toBe(-Infinity);
    expect(result).toMatchObject({ gainDb: 0, gainNote: 'silent' });
  });
});

describe('gainFor', () => {
  it('clamps implausible gains', () => {
    expect(gainFor(-60, -18)).toEqual({ gainDb: 24, gainNote: 'clamped' });
    expect(gainFor(10, -18)).toEqual({ gainDb: -24, gainNote: 'clamped' });
    expect(gainFor(-20.5, -18)).toEqual({ gainDb: 2.5, gainNote: null });
    expect(gainFor(-Infinity, -18)).toEqual({ gainDb: 0, gainNote: 'silent' });
  });
});

describe('parseEbur128Summary', () => {
  it('returns null without a summary', () => {
    expect(parseEbur128Summary('Conversion failed!')).toBeNull();
  });
});
