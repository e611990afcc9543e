export * from './types.js';
export { FfmpegError, isFfmpegError, lastErrorLine, type FfmpegErrorInit } from './errors.js';
export {
  runFfmpeg,
  runFfprobe,
  spawnFfmpeg,
  withGlobalOptions,
  type SpawnOptions,
  type FfmpegChildProcess,
} from './runner.js';
export { liveChildCount, KILL_GRACE_MS } from './children.js';
export * from './args.js';
export { probe, type ProbeResult, type ProbeOptions } from './probe.js';
export {
  measureLoudness,
  gainFor,
  parseEbur128Summary,
  DEFAULT_TARGET_LUFS,
  MAX_GAIN_DB,
  type LoudnessOptions,
  type LoudnessResult,
} from './loudness.js';
export {
  decodeArgs,
  plainDecodeArgs,
  countDecodedFrames,
  countFrames,
  DEFAULT_LIMITER_CEILING_DB,
  type DecodeOptions,
  type CountOptions,
} from './decode.js';
export * from './ingest/index.js';
export * from './cd/index.js';
