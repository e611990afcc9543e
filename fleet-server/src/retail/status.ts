import type { BurnEventKind, OrderStatus } from '@jukebox/protocol';

/** What the status of an order is computed from: one burn event. */
export interface StatusEvent {
  /** The box's telemetry seq: the order in which the box recorded its events. */
  seq: number;
  kind: BurnEventKind;
  attempt: number;
  /** The event's time on the box (ms). */
  at: number;
}

/** Where an order stands. Its row keeps all of it but `awaitingRetry` (views fold again). */
export interface OrderProgress {
  status: OrderStatus;
  statusAt: number;
  lastEventAt: number;
  attempt: number;
  /** Distinct attempts that failed. */
  failedAttempts: number;
  /** The current attempt failed and neither a retry nor a refund followed yet. */
  awaitingRetry: boolean;
  assembledAt: number | null;
  burnStartedAt: number | null;
  burnFinishedAt: number | null;
  doneAt: number | null;
  refundedAt: number | null;
}

const FINAL: ReadonlySet<OrderStatus> = new Set(['done', 'refunded']);

/**
 * The status of an order from all its burn events, folded in the box's order (seq, not time:
 * a box clock that jumps must not reorder a job). Recomputed from every event each time one
 * arrives, so events that come late, twice or before their order give the same answer.
 *
 * queued -> assembling (work on the job began: a burner took it or its image was assembled;
 * `image-assembled` marks assembling as done) -> burning (`burn-started`) -> verifying
 * (`burn-finished`) -> done (`verified` or `completed`). `refunded` ends the order whatever came before;
 * `failed` leaves the status but marks the attempt failed; `retry` puts the order back to
 * queued for its next attempt. Nothing moves an order out of done or refunded, except that a
 * refund after `verified` wins (the money went back; the record must say so).
 */
export function foldOrderStatus(placedAt: number, events: readonly StatusEvent[]): OrderProgress {
  const p: OrderProgress = {
    status: 'queued',
    statusAt: placedAt,
    lastEventAt: placedAt,
    attempt: 1,
    failedAttempts: 0,
    awaitingRetry: false,
    assembledAt: null,
    burnStartedAt: null,
    burnFinishedAt: null,
    doneAt: null,
    refundedAt: null,
  };
  const become = (status: OrderStatus, at: number) => {
    if (p.status !== status) {
      p.status = status;
      p.statusAt = at;
    }
  };
  // Attempts that failed; a box that reports one failure twice still failed once.
  const failed = new Set<number>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    p.lastEventAt = Math.max(p.lastEventAt, e.at);
    if (e.kind === 'refunded') {
      p.refundedAt ??= e.at;
      p.awaitingRetry = false;
      become('refunded', e.at);
      continue;
    }
    if (FINAL.has(p.status)) continue;
    switch (e.kind) {
      case 'burner-chosen':
      case 'downloads-paused':
        if (p.status === 'queued') become('assembling', e.at);
        break;
      case 'image-assembled':
        p.assembledAt = e.at;
        if (p.status === 'queued') become('assembling', e.at);
        break;
      case 'burn-started':
        p.burnStartedAt = e.at;
        become('burning', e.at);
        break;
      case 'burn-finished':
        p.burnFinishedAt = e.at;
        become('verifying', e.at);
        break;
      // A burner that reads the disc back reports `verified`; every made disc ends with
      // `completed` (a cdrdao drive cannot verify, and its order is done all the same).
      case 'verified':
      case 'completed':
        p.doneAt ??= e.at;
        become('done', e.at);
        break;
      case 'failed':
        failed.add(e.attempt);
        p.failedAttempts = failed.size;
        p.awaitingRetry = true;
        break;
      case 'retry':
        p.attempt = Math.max(p.attempt + 1, e.attempt);
        p.awaitingRetry = false;
        p.burnStartedAt = null;
        p.burnFinishedAt = null;
        become('queued', e.at);
        break;
      case 'queued':
      case 'downloads-resumed':
      case 'printed':
      case 'print-failed':
        break;
    }
  }
  return p;
}
