import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';

/*
 * Staff login sessions. The client holds an opaque random token (256 bits, base64url); the
 * database holds only its SHA-256, so a leaked database or backup yields no usable session.
 * (A fast hash is enough here, unlike for passwords: the token is random, not guessable.)
 *
 * A session ends at `expires_at` (lifetime from login) or after `idleTimeoutMs` without a
 * request, whichever comes first; every authenticated request moves `last_seen_at`.
 */

export interface SessionPolicy {
  lifetimeMs: number;
  idleTimeoutMs: number;
}

export interface ActiveSession {
  sessionId: number;
  userId: number;
  expiresAt: number;
}

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class SessionStore {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
    readonly policy: SessionPolicy,
  ) {}

  /** Starts a session for `userId`; returns the token (shown once) and its absolute end. */
  async create(
    userId: number,
    meta: { userAgent?: string | undefined; remoteAddress?: string | undefined },
    db: Kysely<FleetDatabase> = this.db,
  ): Promise<{ token: string; expiresAt: number }> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.policy.lifetimeMs;
    await db
      .insertInto('staff_sessions')
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        // Stored for the admin's eyes only; bounded so a huge header cannot bloat the table.
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
        remote_address: meta.remoteAddress?.slice(0, 100) ?? null,
      })
      .execute();
    return { token, expiresAt };
  }

  /**
   * The live session for `token`, sliding its idle deadline; undefined when the token is
   * malformed, unknown, expired, idle too long, or its user is disabled. An expired session
   * found here is deleted on the spot.
   */
  async resolve(token: string): Promise<ActiveSession | undefined> {
    if (!TOKEN_FORMAT.test(token)) return undefined;
    const now = this.clock.now();
    const row = await this.db
      .selectFrom('staff_sessions as s')
      .innerJoin('staff_users as u', 'u.id', 's.user_id')
      .select(['s.id', 's.user_id', 's.expires_at', 's.last_seen_at', 'u.status'])
      .where('s.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return undefined;
    const idle = now - row.last_seen_at >= this.policy.idleTimeoutMs;
    if (now >= row.expires_at || idle || row.status !== 'active') {
      await this.db.deleteFrom('staff_sessions').where('id', '=', row.id).execute();
      return undefined;
    }
    await this.db
      .updateTable('staff_sessions')
      .set({ last_seen_at: now })
      .where('id', '=', row.id)
      .execute();
    return { sessionId: row.id, userId: row.user_id, expiresAt: row.expires_at };
  }

  /** Ends one session (logout). */
  async revoke(sessionId: number): Promise<void> {
    await this.db.deleteFrom('staff_sessions').where('id', '=', sessionId).execute();
  }

  /** Ends every session of a user, but `keep` (password change keeps the current one). */
  async revokeAllFor(
    userId: number,
    db: Kysely<FleetDatabase> = this.db,
    keep?: number,
  ): Promise<void> {
    let query = db.deleteFrom('staff_sessions').where('user_id', '=', userId);
    if (keep !== undefined) query = query.where('id', '!=', keep);
    await query.execute();
  }

  /** Deletes sessions past their end or idle deadline; run at each login, so it stays small. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    await this.db
      .deleteFrom('staff_sessions')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', now),
          eb('last_seen_at', '<=', now - this.policy.idleTimeoutMs),
        ]),
      )
      .execute();
  }
}
