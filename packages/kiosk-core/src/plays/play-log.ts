import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';

/** Reason recorded on plays that were running when the core stopped. */
export const interruptedReason = 'interrupted by restart';

export type PlayStatus = 'started' | 'completed' | 'aborted';

/** One play event as stored (and uploaded to the server). */
export interface PlayEvent {
  seq: number;
  boxId: string;
  trackId: number;
  entryId: number | null;
  startedAt: string;
  endedAt: string | null;
  status: PlayStatus;
  playedMs: number | null;
  reason: string | null;
}

/** Completed plays of one track. */
export interface PlayCount {
  trackId: number;
  title: string;
  artist: string;
  count: number;
}

/**
 * The play log: one event per play with a per-box sequence number. An event is written
 * (synchronous=FULL, so on disk when `start` returns) before the play can count, and counts
 * only when finished as completed, in the same transaction as the counter.
 */
export class PlayLog {
  constructor(private readonly db: Db) {}

  /** Records a play that is about to start; returns its sequence number. */
  start(play: { boxId: string; trackId: number; entryId?: number | null }): number {
    const row = this.db
      .prepare<[string, number, number | null, string], { seq: number }>(
        `INSERT INTO play_events (box_id, track_id, entry_id, started_at, status)
         VALUES (?, ?, ?, ?, 'started') RETURNING seq`,
      )
      .get(play.boxId, play.trackId, play.entryId ?? null, new Date().toISOString());
    if (!row) throw new Error('play event insert returned no sequence number');
    return row.seq;
  }

  /**
   * Ends a started play. A completed play increments its track's count in the same
   * transaction; an aborted one is kept with its reason and does not count. Returns false
   * (and changes nothing) when the event is unknown or already finished, so a repeated call
   * can never count a play twice.
   */
  finish(
    seq: number,
    end: { status: 'completed' | 'aborted'; playedMs: number; reason?: string | undefined },
  ): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE play_events SET status = ?, played_ms = ?, reason = ?, ended_at = ?
           WHERE seq = ? AND status = 'started' RETURNING track_id`,
        )
        .get(
          end.status,
          Math.max(0, Math.round(end.playedMs)),
          end.reason ?? null,
          new Date().toISOString(),
          seq,
        ) as { track_id: number } | undefined;
      if (!changed) return false;
      if (end.status === 'completed') {
        this.db
          .prepare(
            `INSERT INTO play_counts (track_id, count) VALUES (?, 1)
             ON CONFLICT (track_id) DO UPDATE SET count = count + 1`,
          )
          .run(changed.track_id);
      }
      return true;
    })();
  }

  /** Completed plays per track, most played first; tracks never completed are left out. */
  counts(): PlayCount[] {
    // Cached: the status route reads the counts on every call.
    return cachedStatement<[], PlayCount>(
      this.db,
      `SELECT pc.track_id AS trackId, t.title, ar.name AS artist, pc.count
       FROM play_counts pc JOIN tracks t ON t.id = pc.track_id
       JOIN artists ar ON ar.id = t.artist_id
       WHERE pc.count > 0 ORDER BY pc.count DESC, t.sort_key`,
    ).all();
  }

  /**
   * The highest sequence number ever issued (0 before the first play). Read from SQLite's
   * AUTOINCREMENT record, so it stays right after acknowledged events are deleted.
   */
  lastSeq(): number {
    const row = cachedStatement<[], { seq: number }>(
      this.db,
      "SELECT seq FROM sqlite_sequence WHERE name = 'play_events'",
    ).get();
    return row?.seq ?? 0;
  }

  /** Events after `seq`, oldest first: what the sync agent uploads. */
  eventsAfter(seq: number, limit = 500): PlayEvent[] {
    return this.db
      .prepare<[number, number], PlayEvent>(
        `SELECT seq, box_id AS boxId, track_id AS trackId, entry_id AS entryId,
           started_at AS startedAt, ended_at AS endedAt, status, played_ms AS playedMs, reason
         FROM play_events WHERE seq > ? ORDER BY seq LIMIT ?`,
      )
      .all(seq, limit);
  }

  /**
   * At start-up: plays left 'started' by a crash or power cut become 'aborted' with reason
   * "interrupted by restart" (they never reached their end, so they do not count).
   * Returns how many were closed.
   */
  recover(): number {
    return this.db
      .prepare(
        `UPDATE play_events SET status = 'aborted', reason = ?, ended_at = ?,
           played_ms = coalesce(played_ms, 0)
         WHERE status = 'started'`,
      )
      .run(interruptedReason, new Date().toISOString()).changes;
  }
}
