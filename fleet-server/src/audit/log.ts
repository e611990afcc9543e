import type { Kysely } from 'kysely';
import { z } from 'zod';
import { decodeJson, encodeJson } from '@jukebox/db';
import type { AuditEntry, AuditListResponse } from '@jukebox/protocol';
import { isoTime } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';

/** Who acts: a staff member (from their session) with the address the request came from. */
export interface StaffActor {
  userId: number;
  username: string;
  remoteAddress?: string | null;
}

export interface AuditEvent {
  /** Null for the CLI or the system itself. */
  actor: StaffActor | null;
  /** Set instead of `actor` when a box acts (enrollment, uploads). */
  actorBoxId?: string;
  /** Dotted verb: `staff.create`, `route.assign-staff`, `box.set-route`, … */
  action: string;
  targetType?: string;
  targetId?: string | number;
  /** Small facts about the change. Never secrets: no passwords, tokens or keys. */
  details?: Record<string, unknown>;
}

/**
 * Appends one audit row. Call it with the transaction that makes the change, so that the
 * change and its record commit (or roll back) together.
 */
export async function recordAudit(
  db: Kysely<FleetDatabase>,
  at: number,
  event: AuditEvent,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      actor_user_id: event.actor?.userId ?? null,
      actor_box_id: event.actorBoxId ?? null,
      action: event.action,
      target_type: event.targetType ?? null,
      target_id: event.targetId === undefined ? null : String(event.targetId),
      details: encodeJson(event.details ?? {}),
      remote_address: event.actor?.remoteAddress ?? null,
    })
    .execute();
}

const detailsSchema = z.record(z.string(), z.unknown());

/** Newest first, `limit` entries with an id below `before`. */
export async function listAudit(
  db: Kysely<FleetDatabase>,
  page: { before?: number | undefined; limit: number },
): Promise<AuditListResponse> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('staff_users as u', 'u.id', 'a.actor_user_id')
    .select([
      'a.id',
      'a.at',
      'a.actor_user_id',
      'u.username',
      'a.action',
      'a.target_type',
      'a.target_id',
      'a.details',
    ])
    .orderBy('a.id', 'desc')
    .limit(page.limit + 1);
  if (page.before !== undefined) query = query.where('a.id', '<', page.before);
  const rows = await query.execute();
  const entries: AuditEntry[] = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    at: isoTime(r.at),
    actorUserId: r.actor_user_id,
    actorUsername: r.username,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: decodeJson(r.details, detailsSchema),
  }));
  const last = entries[entries.length - 1];
  return { entries, nextBefore: rows.length > page.limit && last ? last.id : null };
}
