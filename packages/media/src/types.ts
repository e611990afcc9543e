import type { Readable } from 'node:stream';

/** Paths of the ffmpeg and ffprobe executables (configurable; default from PATH). */
export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

export const defaultTools: MediaTools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };

/** Progress reported by ffmpeg while it works (parsed from `-progress`). */
export interface FfmpegProgress {
  /** Media time processed so far. */
  outTimeMs: number;
  /** 0..1 when the caller gave the input duration, otherwise null. */
  fraction: number | null;
  /** Processing speed relative to real time (e.g. 35 = 35x), when ffmpeg reports it. */
  speed: number | null;
}

export interface RunOptions {
  tools?: MediaTools;
  /** Cancels the run: the child is killed and the promise rejects with kind 'cancelled'. */
  signal?: AbortSignal;
  /** Called as ffmpeg reports progress. */
  onProgress?: (progress: FfmpegProgress) => void;
  /** Input duration, so progress can be a fraction. */
  durationMs?: number;
  /** Fed to the child's stdin, then stdin is closed. */
  input?: Buffer | Readable;
  cwd?: string;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/** A streaming ffmpeg child: read `stdout`, await `done`. */
export interface FfmpegProcess {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  /** Resolves when the child exits 0; rejects with an FfmpegError otherwise. */
  readonly done: Promise<void>;
  /** Kills the child (SIGKILL after a grace period) and waits for it to be reaped. */
  kill(): Promise<void>;
}

export type FfmpegErrorKind = 'not_found' | 'failed' | 'killed' | 'cancelled' | 'bad_output';
