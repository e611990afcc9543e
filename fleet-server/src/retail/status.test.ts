import type { BurnEventKind } from '@jukebox/protocol';
import { describe, expect, it } from 'vitest';
import { foldOrderStatus, type StatusEvent } from './status.js';

const T = 1_000_000;
/** Events with seqs 1, 2, ... and times a minute apart. */
const events = (...kinds: (BurnEventKind | [BurnEventKind, number])[]): StatusEvent[] =>
  kinds.map((k, i) => {
    const [kind, attempt] = Array.isArray(k) ? k : [k, 1];
    return { seq: i + 1, kind, attempt, at: T + (i + 1) * 60_000 };
  });
const statusAfter = (...kinds: (BurnEventKind | [BurnEventKind, number])[]) =>
  foldOrderStatus(T, events(...kinds)).status;

describe('order status from burn events', () => {
  it('starts queued at the time the order was placed', () => {
    expect(foldOrderStatus(T, [])).toMatchObject({
      status: 'queued',
      statusAt: T,
      lastEventAt: T,
      attempt: 1,
      failedAttempts: 0,
      awaitingRetry: false,
    });
    expect(statusAfter('queued')).toBe('queued');
  });

  it('goes queued -> assembling -> burning -> verifying -> done', () => {
    expect(statusAfter('queued', 'image-assembled')).toBe('assembling');
    expect(statusAfter('queued', 'burner-chosen')).toBe('assembling');
    const all = events(
      'queued',
      'burner-chosen',
      'image-assembled',
      'downloads-paused',
      'burn-started',
      'burn-finished',
      'verified',
      'downloads-resumed',
      'printed',
    );
    const at = (seq: number) => T + seq * 60_000;
    expect(statusAfter('queued', 'image-assembled', 'burn-started')).toBe('burning');
    expect(statusAfter('queued', 'image-assembled', 'burn-started', 'burn-finished')).toBe(
      'verifying',
    );
    expect(foldOrderStatus(T, all)).toEqual({
      status: 'done',
      statusAt: at(7),
      lastEventAt: at(9),
      attempt: 1,
      failedAttempts: 0,
      awaitingRetry: false,
      assembledAt: at(3),
      burnStartedAt: at(5),
      burnFinishedAt: at(6),
      doneAt: at(7),
      refundedAt: null,
    });
  });

  it('a drive that cannot read the disc back (cdrdao) is done at `completed`', () => {
    const cdrdao = events(
      'burner-chosen',
      'image-assembled',
      'burn-started',
      'burn-finished',
      'downloads-resumed',
      'printed',
      'completed',
    );
    expect(statusAfter('burner-chosen', 'image-assembled', 'burn-started', 'burn-finished')).toBe(
      'verifying',
    );
    expect(foldOrderStatus(T, cdrdao)).toMatchObject({ status: 'done', doneAt: T + 7 * 60_000 });
  });

  it('folds in seq order whatever order the events come in and whatever their times', () => {
    const list = events('queued', 'image-assembled', 'burn-started', 'burn-finished');
    // The box clock jumped back before burn-finished: its seq still puts it last.
    list[3]!.at = T - 5_000;
    const forward = foldOrderStatus(T, list);
    expect(foldOrderStatus(T, [...list].reverse())).toEqual(forward);
    expect(forward.status).toBe('verifying');
    expect(forward.lastEventAt).toBe(T + 3 * 60_000);
  });

  it('marks a failed attempt and goes back to queued on retry, then on to done', () => {
    const failed = foldOrderStatus(
      T,
      events('queued', 'image-assembled', 'burn-started', 'failed'),
    );
    expect(failed).toMatchObject({ status: 'burning', failedAttempts: 1, awaitingRetry: true });
    const retried = foldOrderStatus(
      T,
      events('queued', 'image-assembled', 'burn-started', 'failed', ['retry', 2]),
    );
    expect(retried).toMatchObject({
      status: 'queued',
      attempt: 2,
      failedAttempts: 1,
      awaitingRetry: false,
      burnStartedAt: null,
    });
    expect(retried.assembledAt).not.toBeNull();
    expect(statusAfter('queued', 'burn-started', 'failed', ['retry', 2], ['burn-started', 2])).toBe(
      'burning',
    );
    const done = foldOrderStatus(
      T,
      events(
        'burn-started',
        'failed',
        'failed',
        ['retry', 2],
        ['burn-started', 2],
        ['burn-finished', 2],
        ['verified', 2],
      ),
    );
    expect(done).toMatchObject({ status: 'done', attempt: 2, failedAttempts: 1 });
  });

  it('a retry that carries the failed attempt still counts the next one', () => {
    expect(foldOrderStatus(T, events('failed', 'retry')).attempt).toBe(2);
  });

  it('ends refunded, and nothing after a final status moves it but a refund', () => {
    const refunded = foldOrderStatus(
      T,
      events('burn-started', 'failed', ['retry', 2], ['failed', 2], ['refunded', 2]),
    );
    expect(refunded).toMatchObject({ status: 'refunded', failedAttempts: 2, awaitingRetry: false });
    expect(refunded.refundedAt).toBe(T + 5 * 60_000);
    expect(statusAfter('refunded', 'burn-started', 'verified', 'retry')).toBe('refunded');
    expect(statusAfter('burn-started', 'burn-finished', 'verified', 'retry', 'burn-started')).toBe(
      'done',
    );
    expect(statusAfter('verified', 'refunded')).toBe('refunded');
  });
});
