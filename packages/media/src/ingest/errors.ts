import { isFfmpegError } from '../errors.js';

/**
 * Why an ingest failed. The server maps these to its reply: the input kinds are the
 * uploader's problem (4xx), 'tool_failed' is ours (5xx), 'cancelled' is nobody's.
 */
export type IngestErrorKind =
  /** Missing, empty, or not a media file ffprobe can open. */
  | 'unreadable'
  /** A media file without an audio stream (an image, a video-only file). */
  | 'no_audio'
  /** An audio stream that holds no samples. */
  | 'zero_duration'
  /** Decodes to clearly less than its header declares (an interrupted upload). */
  | 'truncated'
  /** The cover given is not an image we accept. */
  | 'bad_cover'
  /** The options themselves are wrong (no output folder, outputs already there). */
  | 'invalid_options'
  /** ffmpeg, ffprobe or sharp failed on a file that passed the checks. */
  | 'tool_failed'
  /** The AbortSignal fired; every child was killed and every output removed. */
  | 'cancelled';

export interface IngestErrorInit {
  kind: IngestErrorKind;
  /** The upload the error is about. */
  file: string;
  message: string;
  cause?: unknown;
}

/** The only error ingestTrack rejects with. The message alone is enough to act on. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  readonly kind: IngestErrorKind;
  readonly file: string;

  constructor(init: IngestErrorInit) {
    super(init.message, init.cause === undefined ? {} : { cause: init.cause });
    this.kind = init.kind;
    this.file = init.file;
  }
}

/** True when `err` is an IngestError, optionally of the given kind. */
export function isIngestError(err: unknown, kind?: IngestErrorKind): err is IngestError {
  return err instanceof IngestError && (kind === undefined || err.kind === kind);
}

/**
 * Turns whatever a stage threw into an IngestError. A cancelled ffmpeg run, or any failure
 * once the signal has fired (a stage may fail in its own way while being torn down), is
 * 'cancelled'; other unexpected failures are 'tool_failed' with the cause attached.
 */
export function asIngestError(
  err: unknown,
  file: string,
  what: string,
  signal?: AbortSignal,
): IngestError {
  if (err instanceof IngestError) return err;
  if (signal?.aborted || isFfmpegError(err, 'cancelled')) return cancelled(file, err);
  const detail = err instanceof Error ? err.message : String(err);
  return new IngestError({ kind: 'tool_failed', file, message: `${what}: ${detail}`, cause: err });
}

export function cancelled(file: string, cause?: unknown): IngestError {
  return new IngestError({
    kind: 'cancelled',
    file,
    message: `ingest of ${file} cancelled`,
    ...(cause === undefined ? {} : { cause }),
  });
}
