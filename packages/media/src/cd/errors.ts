/**
 * Why a CD image was not made. The first four are the codes of the protocol's `discProblem`
 * (what the terminal shows a customer), so the core can pass them on unchanged:
 * - `empty`: no tracks;
 * - `too-many-tracks`: more than 99;
 * - `over-capacity`: tracks and pregap need more sectors than the chosen media holds;
 * - `track-too-short`: a track decodes to less than 4 s (300 sectors);
 * - `bad-isrc`, `bad-mcn`: an ISRC or the media catalog number is malformed;
 * - `invalid-request`: any other field is wrong (the message names it);
 * - `unreadable-source`: ffmpeg cannot read a track's source (its reason is in the message);
 * - `output-exists`: the image folder is already there (an image is never overwritten);
 * - `tool-failed`: ffmpeg or cdrdao is missing or failed on input that passed the checks,
 *   or the disk refused a write;
 * - `cancelled`: the caller's signal fired; every child was stopped and nothing was left.
 */
export type CdImageErrorKind =
  | 'empty'
  | 'too-many-tracks'
  | 'over-capacity'
  | 'track-too-short'
  | 'bad-isrc'
  | 'bad-mcn'
  | 'invalid-request'
  | 'unreadable-source'
  | 'output-exists'
  | 'tool-failed'
  | 'cancelled';

export interface CdImageErrorInit {
  kind: CdImageErrorKind;
  message: string;
  /** 1-based number of the track the error is about, when it is about one. */
  track?: number;
  cause?: unknown;
}

/** The only error assembleCdImage rejects with; the message alone is enough to act on. */
export class CdImageError extends Error {
  override readonly name = 'CdImageError';
  readonly kind: CdImageErrorKind;
  readonly track: number | null;

  constructor(init: CdImageErrorInit) {
    super(init.message, init.cause === undefined ? {} : { cause: init.cause });
    this.kind = init.kind;
    this.track = init.track ?? null;
  }
}

/** True when `err` is a CdImageError, optionally of the given kind. */
export function isCdImageError(err: unknown, kind?: CdImageErrorKind): err is CdImageError {
  return err instanceof CdImageError && (kind === undefined || err.kind === kind);
}
