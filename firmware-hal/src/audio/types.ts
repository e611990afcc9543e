/**
 * Audio sinks. Every sink takes interleaved signed 16-bit little-endian PCM, 44,100 Hz, stereo
 * (4 bytes per sample frame). A sink is long-lived: the player opens it once and writes every
 * track into it one after another, which is what makes playback gapless.
 */
export const SINK_SAMPLE_RATE = 44_100;
export const SINK_CHANNELS = 2;
export const SINK_BYTES_PER_FRAME = 4;

export type AudioSinkKind = 'alsa' | 'pulse' | 'wav' | 'null';

export interface AudioSink {
  readonly kind: AudioSinkKind;
  /** Human-readable description for logs and the status page, e.g. "ALSA default". */
  readonly description: string;
  /** Sample frames accepted so far (one frame = one sample per channel). */
  readonly framesWritten: number;
  /**
   * Writes PCM. Resolves when the sink can take more (backpressure); a paced sink resolves
   * no faster than real time times its pace. `chunk.length` must be a multiple of 4.
   */
  write(chunk: Buffer): Promise<void>;
  /** Flushes and releases the device or file. Idempotent. */
  close(): Promise<void>;
  /** Called once if the sink fails (device lost, ffmpeg died); the sink is then unusable. */
  onError(listener: (err: Error) => void): void;
}

/**
 * The logging the sinks need. pino loggers satisfy it (their `(msg: string)` overload), and so
 * does `console`.
 */
export interface AudioLog {
  info(msg: string): void;
  warn(msg: string): void;
}

/** A clock the pacer can be tested with; the default is the monotonic performance clock. */
export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
