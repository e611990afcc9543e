import {
  PCM_BYTES_PER_FRAME,
  PCM_SAMPLE_RATE,
  audioFilters,
  filter,
  firstAudioStream,
  input,
  pcmOutput,
} from './args.js';
import { spawnFfmpeg } from './runner.js';
import type { MediaTools } from './types.js';

export interface DecodeOptions {
  /** Stored loudness gain (see measureLoudness). Default 0. */
  gainDb?: number;
  /** Limiter ceiling in dBFS, -24..0. Default -1. */
  limiterCeilingDb?: number;
  /** Start this far into the track. */
  seekMs?: number;
}

export const DEFAULT_LIMITER_CEILING_DB = -1;

/**
 * Arguments that decode any input to sink PCM (s16le, 44,100 Hz, stereo) on pipe:1, with the
 * gain applied and then a limiter at the ceiling.
 *
 * Gapless playback needs the output to be sample-for-sample as long as a plain decode, and
 * in place. ffmpeg 5.1's alimiter is a look-ahead limiter: with its default `latency=false`
 * it keeps the frame count but delays the signal by the attack time (5 ms = 220 frames),
 * which puts silence at every track start and cuts the last 5 ms. `latency=true` compensates
 * the delay and flushes the look-ahead at the end, so the output lines up with the input
 * exactly. Its `level` option (auto make-up gain, on by default) would undo our loudness gain,
 * so it is turned off. Resampling and the stereo downmix come first so the limiter sees the
 * final signal (a downmix after it could overshoot the ceiling).
 */
export function decodeArgs(file: string, opts: DecodeOptions = {}): string[] {
  const gainDb = opts.gainDb ?? 0;
  const ceilingDb = opts.limiterCeilingDb ?? DEFAULT_LIMITER_CEILING_DB;
  if (!Number.isFinite(gainDb)) throw new RangeError(`gainDb must be finite, got ${gainDb}`);
  // alimiter's limit is linear and must lie in 0.0625..1.
  if (!(ceilingDb >= -24 && ceilingDb <= 0)) {
    throw new RangeError(`limiterCeilingDb must be between -24 and 0, got ${ceilingDb}`);
  }
  const limit = Math.max(0.0625, Math.min(1, 10 ** (ceilingDb / 20)));
  return [
    ...input(file, opts.seekMs === undefined ? {} : { seekMs: opts.seekMs }),
    ...firstAudioStream,
    ...audioFilters([
      filter('aresample', { osr: PCM_SAMPLE_RATE }),
      filter('aformat', { channel_layouts: 'stereo' }),
      filter('volume', { volume: `${gainDb.toFixed(2)}dB` }),
      filter('alimiter', { limit: limit.toFixed(6), level: false, latency: true }),
    ]),
    ...pcmOutput(),
  ];
}

/** Arguments for a plain decode to sink PCM: no gain, no limiter. The reference for gaplessness. */
export function plainDecodeArgs(file: string, opts: { seekMs?: number } = {}): string[] {
  return [...input(file, opts), ...firstAudioStream, ...pcmOutput()];
}

export interface CountOptions {
  tools?: MediaTools;
  signal?: AbortSignal;
  seekMs?: number;
}

/** Sample frames a plain decode of `file` produces (bytes / 4), streamed, not buffered. */
export async function countDecodedFrames(file: string, opts: CountOptions = {}): Promise<number> {
  return countFrames(
    plainDecodeArgs(file, opts.seekMs === undefined ? {} : { seekMs: opts.seekMs }),
    opts,
  );
}

/** Sample frames a decode with these args writes to pipe:1. */
export async function countFrames(
  args: string[],
  opts: { tools?: MediaTools; signal?: AbortSignal } = {},
): Promise<number> {
  const child = spawnFfmpeg(args, {
    ...(opts.tools ? { tools: opts.tools } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  let bytes = 0;
  child.stdout.on('data', (c: Buffer) => (bytes += c.length));
  await child.done;
  return bytes / PCM_BYTES_PER_FRAME;
}
