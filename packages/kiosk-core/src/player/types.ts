import type { AudioSink } from '@jukebox/firmware-hal/audio';
import type { FfmpegProcess, MediaTools } from '@jukebox/media';

/** One queued play handed to the player by whoever owns the queue. */
export interface PlayItem {
  /** Queue entry id: the same track queued twice gives two items. */
  entryId: number;
  trackId: number;
  /** Absolute path of the audio file on this box. */
  path: string;
  /** Stored loudness gain in dB (measured at ingest); null plays at 0 dB. */
  gainDb: number | null;
  /** Catalogue duration; used to decide when to prefetch the next track. */
  durationMs: number;
  /**
   * What ffmpeg reads instead of `path` when the file cannot be read as it is: a fleet track
   * is stored encrypted and is played from a loopback URL that decrypts it (see
   * sync/plaintext-server.ts). Absent: ffmpeg reads `path`.
   */
  input?: string;
}

/**
 * The subset of a pino logger the player uses. Structural, so the core's pino logger (or a
 * test double) fits without the player depending on pino.
 */
export interface PlayerLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Starts the decoder for one item: raw s16le 44.1 kHz stereo on stdout. */
export type DecoderFactory = (item: PlayItem, opts: DecoderOptions) => FfmpegProcess;

export interface DecoderOptions {
  tools: MediaTools;
  limiterCeilingDb: number;
}

export interface PlayerOptions {
  /** The one sink every track is written into, for the life of the player. */
  sink: AudioSink;
  tools: MediaTools;
  log: PlayerLog;
  /** Takes the next item to play, or null when there is none (the player then idles). */
  nextItem: () => Promise<PlayItem | null> | PlayItem | null;
  /** Peak ceiling of the decoder's limiter, in dBFS (e.g. -1). */
  limiterCeilingDb: number;
  /** Initial master volume, 0..100. */
  volume: number;
  /**
   * How long before the current decoder runs dry the next item is taken and its decoder
   * started. Default 5000 ms; the decoder's end of output also triggers it.
   */
  prefetchMs?: number;
  /** Replaces the ffmpeg decoder (default: `spawnFfmpeg(decodeArgs(...))` from @jukebox/media). */
  decoder?: DecoderFactory;
}

export type PlayerState = 'idle' | 'playing' | 'stopped';

export interface NowPlayingStatus {
  item: PlayItem;
  /** Derived from the frames actually written to the sink for this track. */
  positionMs: number;
  /** When the first sample of this track was written to the sink. */
  startedAt: Date;
}

export interface PlayerStatus {
  state: PlayerState;
  current: NowPlayingStatus | null;
  volume: number;
}

/** How a track ended. Frames already written stay written: a failure never rewinds. */
export interface TrackEnd {
  status: 'completed' | 'aborted';
  playedMs: number;
  framesWritten: number;
  /** Why an aborted track stopped: 'skipped', 'stopped', or the decoder's error message. */
  reason?: string;
}

/** Timing of a track start, for the benchmark and the logs. */
export interface StartInfo {
  /** Milliseconds from the moment the item was taken from `nextItem` to its first write. */
  latencyMs: number;
  /** True if the decoder was started while the previous track was still playing. */
  prefetched: boolean;
}

/** Listener signatures of the player's events. */
export interface PlayerEvents {
  started: (item: PlayItem, at: Date, info: StartInfo) => void;
  position: (item: PlayItem, positionMs: number) => void;
  ended: (item: PlayItem, end: TrackEnd) => void;
  idle: () => void;
  error: (err: Error) => void;
}
