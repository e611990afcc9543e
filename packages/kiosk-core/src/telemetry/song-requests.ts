import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';
import { foldKey } from '../library/text.js';

/** A request repeated within this window (same folded text) is the same request. */
export const REPEAT_WINDOW_MS = 10 * 60 * 1000;

export interface SongRequestOutcome {
  id: number;
  /** True when the same text was asked for within the window: nothing new was stored. */
  repeated: boolean;
}

/**
 * Songs patrons asked for that the box does not have. Each new request is a row (and, by the
 * trigger of migration 0005, a telemetry record in the same transaction); the same words
 * asked again within ten minutes (a patron tapping twice, friends insisting) count once.
 */
export class SongRequests {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `text` must already be trimmed, 1-200 characters (the API schema sees to it). */
  add(text: string): SongRequestOutcome {
    const folded = foldKey(text).replace(/\s+/g, ' ').trim();
    const at = this.now();
    const since = new Date(at.getTime() - REPEAT_WINDOW_MS).toISOString();
    return this.db
      .transaction((): SongRequestOutcome => {
        const recent = cachedStatement<[string, string], { id: number }>(
          this.db,
          'SELECT id FROM song_requests WHERE folded = ? AND at >= ? ORDER BY id DESC LIMIT 1',
        ).get(folded, since);
        if (recent) return { id: recent.id, repeated: true };
        const row = cachedStatement<[string, string, string], { id: number }>(
          this.db,
          'INSERT INTO song_requests (at, text, folded) VALUES (?, ?, ?) RETURNING id',
        ).get(at.toISOString(), text, folded);
        if (!row) throw new Error('song request insert returned no row');
        return { id: row.id, repeated: false };
      })
      .immediate();
  }

  /** How many requests the box holds (for the status page). */
  count(): number {
    return (
      cachedStatement<[], { n: number }>(this.db, 'SELECT count(*) AS n FROM song_requests').get()
        ?.n ?? 0
    );
  }
}
