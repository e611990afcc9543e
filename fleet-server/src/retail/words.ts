import type { BurnEventKind, OrderStatus } from '@jukebox/protocol';

/*
 * What the customer reads on the tracking page: the status and the job's steps in words.
 * The JSON answer carries the same words, so a shop's own page can show them too.
 */

const STATUS_WORDS: Record<OrderStatus, string> = {
  queued: 'Order received: waiting for a free burner',
  assembling: 'Preparing your disc',
  burning: 'Burning your disc',
  verifying: 'Checking your burned disc',
  done: 'Your disc is ready',
  refunded: 'Refunded: the disc could not be made',
};

/** The status in words; a failed attempt that waits for its retry or refund says so. */
export function statusText(status: OrderStatus, awaitingRetry: boolean): string {
  if (awaitingRetry) return 'A burn attempt failed: the disc will be tried again or refunded';
  return STATUS_WORDS[status];
}

/**
 * A step of the timeline in words, or null for the terminal's housekeeping (which drive took
 * the job, downloads paused and resumed), which means nothing to a customer.
 */
export function eventLabel(kind: BurnEventKind, attempt: number): string | null {
  switch (kind) {
    case 'queued':
      return 'Queued for burning';
    case 'image-assembled':
      return 'Disc image prepared';
    case 'burn-started':
      return attempt > 1 ? `Burning started (attempt ${attempt})` : 'Burning started';
    case 'burn-finished':
      return 'Burning finished';
    case 'verified':
      return 'Disc checked: ready';
    case 'failed':
      return attempt > 1 ? `Attempt ${attempt} failed` : 'The burn failed';
    case 'retry':
      return 'Trying again';
    case 'refunded':
      return 'Refunded';
    case 'printed':
      return 'Insert and label printed';
    case 'print-failed':
      return 'Printing the insert failed';
    case 'completed':
      return 'Your CD is ready';
    case 'burner-chosen':
    case 'downloads-paused':
    case 'downloads-resumed':
      return null;
  }
}

/** `4:07` or `1:02:30`: a disc's total time. */
export function formatDuration(durationMs: number): string {
  const total = Math.round(durationMs / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
