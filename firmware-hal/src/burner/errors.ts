/**
 * Why a burn failed, from a closed set. The job runner decides on the reason (another drive,
 * another blank, a refund); the message is for the shop assistant; `detail` keeps the tool's
 * own line for the log and for service.
 */
export const BURN_REASONS = [
  'no-disc',
  'not-blank',
  'too-small',
  'drive-missing',
  'drive-busy',
  'write-failed',
  'buffer-underrun',
  'verify-failed',
  'bad-image',
  'aborted',
  'unknown',
] as const;
export type BurnReason = (typeof BURN_REASONS)[number];

/** What a shop assistant reads for each reason: what happened and what to do. */
export const BURN_MESSAGES: Record<BurnReason, string> = {
  'no-disc': 'There is no disc in the drive. Put a blank CD-R in the drive.',
  'not-blank': 'The disc in the drive is not blank. Put a new blank CD-R in the drive.',
  'too-small': 'The blank in the drive is too small for this order. Use an 80-minute CD-R.',
  'drive-missing': 'The CD drive cannot be found. Check that it is connected, or call service.',
  'drive-busy': 'The CD drive is in use by another program. Wait a minute and try again.',
  'write-failed': 'Writing the disc failed. The blank may be faulty: try another one.',
  'buffer-underrun':
    'Writing stopped because the terminal could not deliver the music fast enough. Try another blank.',
  'verify-failed': 'The finished disc image did not pass its check. The order will be made again.',
  'bad-image': 'The disc image for this order is damaged. The order must be prepared again.',
  aborted: 'The burn was cancelled.',
  unknown: 'The burn failed. Try again; if it fails again, call service.',
};

export interface BurnErrorInit {
  /** Overrides the standard message for the reason (e.g. "cdrdao is not installed"). */
  message?: string;
  /** The tool's raw line (an ERROR line of cdrdao, an errno message). */
  detail?: string | null;
  cause?: unknown;
}

export class BurnError extends Error {
  override readonly name = 'BurnError';
  readonly reason: BurnReason;
  readonly detail: string | null;

  constructor(reason: BurnReason, init: BurnErrorInit = {}) {
    super(
      init.message ?? BURN_MESSAGES[reason],
      init.cause === undefined ? {} : { cause: init.cause },
    );
    this.reason = reason;
    this.detail = init.detail ?? null;
  }
}

export function isBurnError(err: unknown): err is BurnError {
  return err instanceof BurnError;
}

/** The message for a missing cdrdao, shared by both burners. */
export function cdrdaoMissing(executable: string, cause: unknown): BurnError {
  return new BurnError('drive-missing', {
    message: `cdrdao is not installed (looked for '${executable}'): install it (apt-get install cdrdao) or set the burner's executable`,
    detail: cause instanceof Error ? cause.message : String(cause),
    cause,
  });
}
