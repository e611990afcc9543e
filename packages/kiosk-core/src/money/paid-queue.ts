import {
  fail,
  isFreePlay,
  ok,
  type ApiResult,
  type MoneyConfig,
  type QueueEntry,
} from '@jukebox/protocol';
import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';
import { LibraryError } from '../library/index.js';
import type { Logger } from '../log.js';
import type { QueueStore } from '../queue/index.js';
import type { CreditLedger } from './ledger.js';
import { priceOf } from './pricing.js';
import type { LedgerError } from './result.js';

/** The ledger ref of the spend (and any refund) for a queue entry. */
export function entryRef(entryId: number): string {
  return `queue:${entryId}`;
}

/** Thrown inside the pick transaction to roll the queue insert back. */
class SpendRefused extends Error {
  constructor(readonly refusal: LedgerError) {
    super(refusal.message);
  }
}

/** What a refund did, for the patron's notice. */
export type RefundOutcome = { refunded: number } | { refunded: 0; why: string };

/**
 * Paid picks: the spend and the queue insert are one immediate transaction, so a pick is
 * either queued and paid or neither (a crash between the two cannot take credits for nothing
 * or queue a song for free). A paid entry that cannot play is refunded once: the ledger caps
 * refunds under a ref at what was spent under it.
 */
export class PaidQueue {
  constructor(
    private readonly db: Db,
    private readonly queue: QueueStore,
    private readonly ledger: CreditLedger,
    private readonly pricing: Pick<
      MoneyConfig,
      'table' | 'songPrice' | 'playNextPrice' | 'freePlay' | 'devices'
    >,
    private readonly log: Logger,
  ) {}

  /**
   * What a pick made under `requestId` returned, or null when no pick was bought under it.
   * The same id for another song is refused: it is a client bug, not a retry.
   */
  previous(requestId: string, trackId: number): ApiResult<QueueEntry> | null {
    const row = cachedStatement<[string], { trackId: number; entry: string }>(
      this.db,
      'SELECT track_id AS trackId, entry FROM pick_requests WHERE request_id = ?',
    ).get(requestId);
    if (row === undefined) return null;
    if (row.trackId !== trackId) {
      return fail('bad_request', `request ${requestId} already bought another song`);
    }
    this.log.info({ requestId, trackId }, 'pick retried: answered with the entry already bought');
    return ok(JSON.parse(row.entry) as QueueEntry);
  }

  /**
   * Queues `trackId` for the song price, or at the head of the queue for the "play next"
   * price. Refusals come back as results and spend nothing: `insufficient_credits` with the
   * credits missing, `not_found`, `unavailable`, `queue_full`. With `requestId`, the entry is
   * remembered in the same transaction, for `previous()`.
   */
  pick(trackId: number, playNext: boolean, requestId?: string): ApiResult<QueueEntry> {
    const price = priceOf({ playNext }, this.pricing);
    try {
      // A song that cannot be queued is refused before the patron is asked for money.
      this.queue.queueable(trackId);
      if (isFreePlay(this.pricing)) {
        const entry = this.db
          .transaction(() =>
            this.remember(requestId, this.queue.add(trackId, { playNext, paidCredits: 0 })),
          )
          .immediate();
        this.log.info({ trackId, entryId: entry.entryId, playNext }, 'song queued (free play)');
        return ok(entry);
      }
      const balance = this.ledger.balance();
      if (balance < price) return short(price, balance);
      const entry = this.db
        .transaction(() => {
          const e = this.queue.add(trackId, { playNext, paidCredits: price });
          const spent = this.ledger.spend(price, entryRef(e.entryId));
          if (!spent.ok) throw new SpendRefused(spent.error);
          return this.remember(requestId, e);
        })
        .immediate();
      this.log.info({ trackId, entryId: entry.entryId, price, playNext }, 'song bought');
      return ok(entry);
    } catch (err) {
      if (err instanceof SpendRefused) {
        // Another writer spent in between the balance read and the transaction.
        return err.refusal.code === 'insufficient_credits'
          ? short(price, this.ledger.balance())
          : fail('bad_request', err.refusal.message);
      }
      if (err instanceof LibraryError) return fail(err.code, err.message);
      throw err;
    }
  }

  private remember(requestId: string | undefined, entry: QueueEntry): QueueEntry {
    if (requestId !== undefined) {
      cachedStatement<[string, number, string, string]>(
        this.db,
        'INSERT INTO pick_requests (request_id, track_id, entry, at) VALUES (?, ?, ?, ?)',
      ).run(requestId, entry.track.id, JSON.stringify(entry), new Date().toISOString());
    }
    return entry;
  }

  /** Gives back what an entry cost when it could not play; a second call refunds nothing. */
  refund(entryId: number, reason: string): RefundOutcome {
    const paid = this.queue.paidCredits(entryId);
    if (paid === 0) return { refunded: 0, why: 'not paid' };
    const r = this.ledger.refund(paid, reason, entryRef(entryId));
    if (!r.ok) {
      this.log.info({ entryId, error: r.error }, 'no refund');
      return { refunded: 0, why: r.error.message };
    }
    this.log.info({ entryId, credits: paid, reason, seq: r.value.seq }, 'credits refunded');
    return { refunded: paid };
  }
}

function short(price: number, balance: number): ApiResult<never> {
  const missing = price - balance;
  return fail(
    'insufficient_credits',
    `${price} credit${price === 1 ? '' : 's'} needed; insert money for ${missing} more`,
    { missingCredits: missing },
  );
}
