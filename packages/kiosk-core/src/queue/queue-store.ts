import type { QueueEntry } from '@jukebox/protocol';
import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';
import { Browse, LibraryError, type Playable } from '../library/index.js';
import { interruptedReason } from '../plays/index.js';

interface EntryRow {
  entryId: number;
  trackId: number;
  requestedAt: string;
  priority: number;
}

/** Queue priorities (migration 0003): higher plays first, entry_id order within one. */
const PRIORITY = { normal: 0, playNext: 1, resumed: 2 } as const;

/** How an entry was bought. */
export interface AddOptions {
  /** Paid "play next": goes ahead of every plain pick (after earlier "play next" picks). */
  playNext?: boolean;
  /** Credits spent on it, refunded if it cannot play. */
  paidCredits?: number;
}

/**
 * The play queue, persisted so that paid songs survive a restart. Entries play by priority
 * (an entry resumed after a crash, then "play next" picks, then plain picks), each group in
 * entry_id order: queued -> playing (taken by the player) -> done.
 */
export class QueueStore {
  /** Reads tracks straight from the library tables (it shares the database). */
  private readonly library: Browse;

  constructor(
    private readonly db: Db,
    private readonly options: { maxEntries: number },
  ) {
    this.library = new Browse(db);
  }

  /**
   * Queues a track. Throws a {@link LibraryError} with code 'not_found' (unknown track),
   * 'unavailable' (its file is missing) or 'queue_full'.
   */
  add(trackId: number, options: AddOptions = {}): QueueEntry {
    const priority = options.playNext ? PRIORITY.playNext : PRIORITY.normal;
    const track = this.queueable(trackId);
    // Nested in a caller's transaction (the paid pick) this runs as a savepoint of it.
    return this.db.transaction(() => {
      if (this.pendingCount() >= this.options.maxEntries) {
        throw new LibraryError(
          'queue_full',
          `the queue is full (${this.options.maxEntries} songs); try again after a song`,
        );
      }
      const row = this.db
        .prepare<[number, string, number, number], EntryRow>(
          `INSERT INTO queue (track_id, requested_at, state, priority, paid_credits)
           VALUES (?, ?, 'queued', ?, ?)
           RETURNING entry_id AS entryId, track_id AS trackId, requested_at AS requestedAt,
             priority`,
        )
        .get(trackId, new Date().toISOString(), priority, options.paidCredits ?? 0);
      if (!row) throw new Error('queue insert returned no row');
      return entryOf(row, track);
    })();
  }

  /**
   * The track if it can be queued: throws a {@link LibraryError} 'not_found' or
   * 'unavailable' otherwise. A paid pick checks this before asking for money.
   */
  queueable(trackId: number): QueueEntry['track'] {
    const track = this.library.trackSummary(trackId);
    if (!track) throw new LibraryError('not_found', `no track with id ${trackId}`);
    if (!this.library.playable(trackId)) {
      throw new LibraryError('unavailable', `"${track.title}" cannot be played on this box`);
    }
    return track;
  }

  /** Entries waiting to play, next first. */
  list(): QueueEntry[] {
    return this.rows("state = 'queued'").flatMap((r) => {
      const entry = this.toEntry(r);
      return entry ? [entry] : [];
    });
  }

  /**
   * Takes the next entry and marks it playing. `playable` is null when its file went missing
   * after it was queued: the caller records that and finishes the entry.
   */
  takeNext(): { entry: QueueEntry; playable: Playable | null } | null {
    return this.db.transaction(() => {
      const row = this.rows("state = 'queued'", 1)[0];
      if (!row) return null;
      this.db.prepare("UPDATE queue SET state = 'playing' WHERE entry_id = ?").run(row.entryId);
      const entry = this.toEntry(row);
      if (!entry) throw new Error(`queued track ${row.trackId} is not in the library`);
      return { entry, playable: this.library.playable(row.trackId) };
    })();
  }

  /** Credits spent on an entry (0 for a free one or an unknown id). */
  paidCredits(entryId: number): number {
    return (
      this.db
        .prepare<[number], { n: number }>('SELECT paid_credits AS n FROM queue WHERE entry_id = ?')
        .get(entryId)?.n ?? 0
    );
  }

  /** Marks an entry done (played, skipped or failed). Returns false if it was unknown. */
  finish(entryId: number): boolean {
    return (
      this.db
        .prepare("UPDATE queue SET state = 'done' WHERE entry_id = ? AND state != 'done'")
        .run(entryId).changes > 0
    );
  }

  /**
   * At start-up, settles entries left 'playing' by a crash, using the play log:
   * - a play of the entry completed (the crash came between the end of the song and
   *   `finish`), or ended aborted for a reason of its own (skipped, unreadable file): done;
   * - otherwise (no play yet, e.g. taken ahead for gapless playback, or a play cut by the
   *   crash): back to 'queued' with the 'resumed' priority, so it is again the head of the
   *   queue, ahead of "play next" picks made later; the patron paid for a whole song, so it
   *   starts again from the beginning.
   * Works whether or not `PlayLog.recover()` ran first. Returns the entries re-queued.
   */
  recover(): { requeued: number[]; done: number[] } {
    return this.db.transaction(() => {
      const stuck = this.db
        .prepare<[string], { entryId: number; settled: number }>(
          `SELECT q.entry_id AS entryId, EXISTS (
             SELECT 1 FROM play_events e WHERE e.entry_id = q.entry_id
               AND (e.status = 'completed' OR (e.status = 'aborted' AND e.reason IS NOT ?))
           ) AS settled
           FROM queue q WHERE q.state = 'playing' ORDER BY q.entry_id`,
        )
        .all(interruptedReason);
      const setState = this.db.prepare(
        'UPDATE queue SET state = ?, priority = max(priority, ?) WHERE entry_id = ?',
      );
      const result = { requeued: [] as number[], done: [] as number[] };
      for (const s of stuck) {
        setState.run(s.settled ? 'done' : 'queued', s.settled ? 0 : PRIORITY.resumed, s.entryId);
        (s.settled ? result.done : result.requeued).push(s.entryId);
      }
      return result;
    })();
  }

  /** Songs waiting (the one playing does not take a place in the queue). */
  private pendingCount(): number {
    return (
      this.db
        .prepare<[], { n: number }>("SELECT count(*) AS n FROM queue WHERE state = 'queued'")
        .get()?.n ?? 0
    );
  }

  private rows(where: string, limit = -1): EntryRow[] {
    // Compiled once per `where` (a few fixed conditions): the status route lists the queue on
    // every call.
    return cachedStatement<[number], EntryRow>(
      this.db,
      `SELECT entry_id AS entryId, track_id AS trackId, requested_at AS requestedAt, priority
       FROM queue WHERE ${where} ORDER BY priority DESC, entry_id LIMIT ?`,
    ).all(limit);
  }

  private toEntry(row: EntryRow): QueueEntry | null {
    const track = this.library.trackSummary(row.trackId);
    return track ? entryOf(row, track) : null;
  }
}

function entryOf(row: EntryRow, track: QueueEntry['track']): QueueEntry {
  return {
    entryId: row.entryId,
    track,
    requestedAt: row.requestedAt,
    playNext: row.priority === PRIORITY.playNext,
  };
}
