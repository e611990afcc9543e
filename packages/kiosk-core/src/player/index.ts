export { Player, DEFAULT_PREFETCH_MS, STOPPED_REASON } from './player.js';
export { ffmpegDecoder } from './decoder.js';
export { applyGain, clampVolume, volumeToGain, VOLUME_RANGE_DB } from './volume.js';
export type {
  DecoderFactory,
  DecoderOptions,
  NowPlayingStatus,
  PlayerEvents,
  PlayerLog,
  PlayerOptions,
  PlayerState,
  PlayerStatus,
  PlayItem,
  StartInfo,
  TrackEnd,
} from './types.js';
