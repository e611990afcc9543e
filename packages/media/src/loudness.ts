import { audioFilters, filter, firstAudioStream, input, nullOutput } from './args.js';
import { FfmpegError } from './errors.js';
import { runFfmpeg } from './runner.js';
import { defaultTools, type MediaTools } from './types.js';

/** ReplayGain 2.0 reference level. */
export const DEFAULT_TARGET_LUFS = -18;
/** Stored gains are clamped to this range: beyond it a measurement is more likely wrong than the track. */
export const MAX_GAIN_DB = 24;

export interface LoudnessOptions {
  targetLufs?: number;
  tools?: MediaTools;
  signal?: AbortSignal;
}

export interface LoudnessResult {
  /** EBU R128 integrated loudness; -70 (the gate floor) for silence. */
  integratedLufs: number;
  /** True peak in dBTP; -Infinity for digital silence. */
  truePeakDbtp: number;
  /** Loudness range in LU. */
  lra: number;
  /** Gain to store and apply at playback: target - integrated, clamped to +-24 dB. */
  gainDb: number;
  /** Why gainDb is not simply target - integrated, if it is not. */
  gainNote: 'silent' | 'clamped' | null;
}

// At or below this the ebur128 gate found nothing to measure: treat as silence.
const SILENCE_LUFS = -70;

/**
 * Measures EBU R128 loudness with ffmpeg's ebur128 filter (true peak on) and derives the gain
 * that brings the track to the target. Done once at ingest; playback applies the stored gain.
 */
export async function measureLoudness(
  file: string,
  opts: LoudnessOptions = {},
): Promise<LoudnessResult> {
  const tools = opts.tools ?? defaultTools;
  const target = opts.targetLufs ?? DEFAULT_TARGET_LUFS;
  // framelog=verbose keeps the per-100 ms lines out of an info-level log; only the summary stays.
  const args = [
    ...input(file),
    ...firstAudioStream,
    ...audioFilters([filter('ebur128', { peak: 'true', framelog: 'verbose' })]),
    ...nullOutput,
  ];
  const { stderr } = await runFfmpeg(args, {
    tools,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const summary = parseEbur128Summary(stderr);
  if (!summary) {
    throw new FfmpegError({
      kind: 'bad_output',
      executable: tools.ffmpeg,
      args,
      stderrTail: stderr.split('\n').slice(-40).join('\n'),
      message: `no ebur128 summary in ffmpeg's output for ${file}`,
    });
  }
  return { ...summary, ...gainFor(summary.integratedLufs, target) };
}

/** The gain for a measured loudness, with the silence and clamping rules applied. */
export function gainFor(
  integratedLufs: number,
  targetLufs: number,
): Pick<LoudnessResult, 'gainDb' | 'gainNote'> {
  if (!Number.isFinite(integratedLufs) || integratedLufs <= SILENCE_LUFS) {
    return { gainDb: 0, gainNote: 'silent' };
  }
  const raw = targetLufs - integratedLufs;
  const gainDb = Math.round(Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, raw)) * 100) / 100;
  return { gainDb, gainNote: Math.abs(raw) > MAX_GAIN_DB ? 'clamped' : null };
}

/**
 * Reads the Summary block ebur128 logs at the end of a run. Returns null when there is none.
 * The true-peak line is labelled "Peak:" under "True peak:" and reads "-inf" for silence.
 */
export function parseEbur128Summary(
  stderr: string,
): Pick<LoudnessResult, 'integratedLufs' | 'truePeakDbtp' | 'lra'> | null {
  const at = stderr.lastIndexOf('Summary:');
  if (at < 0) return null;
  const block = stderr.slice(at);
  const value = (re: RegExp): number | null => {
    const m = re.exec(block);
    if (!m?.[1]) return null;
    return m[1] === '-inf' ? -Infinity : m[1] === 'inf' ? Infinity : Number(m[1]);
  };
  const integratedLufs = value(/Integrated loudness:\s*I:\s*(-?inf|-?[\d.]+) LUFS/);
  const lra = value(/Loudness range:\s*LRA:\s*(-?[\d.]+) LU/);
  const truePeakDbtp = value(/True peak:\s*Peak:\s*(-?inf|-?[\d.]+) dBFS/);
  if (integratedLufs === null || lra === null || truePeakDbtp === null) return null;
  return { integratedLufs, truePeakDbtp, lra };
}
