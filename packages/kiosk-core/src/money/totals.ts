import { cachedStatement, type Db } from '../db/index.js';
import type { Collection, DenominationTotal, MoneyTotals } from './types.js';

/** The latest collection mark, or null before the first one. */
export function lastCollection(db: Db): Collection | null {
  const row = cachedStatement<[], Collection>(
    db,
    `SELECT id, at, staff, through_seq AS throughSeq FROM collections ORDER BY id DESC LIMIT 1`,
  ).get();
  return row ?? null;
}

/** Device credits after `since` (all of them when null), per denomination, smallest first. */
export function collectionTotals(db: Db, since: Collection | null): MoneyTotals {
  const byDenomination = cachedStatement<[number], DenominationTotal>(
    db,
    `SELECT denomination, value_cents AS valueCents, count(*) AS count,
       sum(value_cents) AS totalCents, sum(credits) AS credits
     FROM ledger WHERE kind = 'credit' AND seq > ?
     GROUP BY denomination, value_cents ORDER BY value_cents, denomination`,
  ).all(since?.throughSeq ?? 0);
  return {
    since,
    byDenomination,
    totalCents: byDenomination.reduce((n, d) => n + d.totalCents, 0),
    count: byDenomination.reduce((n, d) => n + d.count, 0),
  };
}
