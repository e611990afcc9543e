import { sql, type Kysely } from 'kysely';
import type { FleetDatabase } from '../../db/schema.js';

/*
 * Writing a batch of the manifest job: a few multi-row statements per batch, never one per
 * box, so storing 5,000 manifests costs tens of statements. Every write that depends on what
 * the job read is conditional (the head's version), and a mismatch throws HeadMovedError so
 * the batch's transaction rolls back and the boxes are looked at again.
 */

/** Another process issued for a box of this batch first. */
export class HeadMovedError extends Error {
  override readonly name = 'HeadMovedError';
}

export interface IssuedManifest {
  boxId: string;
  version: number;
  json: string;
  contentDigest: string;
  routeId: number | null;
  agreementKey: string;
}

/** Rows per multi-row statement: few parameters, and a bounded amount of manifest text. */
const ROWS = 100;

function chunks<T>(items: readonly T[], size = ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Stores issued manifests and moves each box's head to the new version: a head is inserted
 * for a box that had none, and updated only where it still holds version - 1. Older
 * manifests than the previous one are pruned (the blob endpoint serves the newest two).
 */
export async function storeIssued(
  trx: Kysely<FleetDatabase>,
  issued: readonly IssuedManifest[],
  now: number,
  expiresAt: number,
): Promise<void> {
  for (const part of chunks(issued)) {
    const written = await trx
      .insertInto('box_content_heads')
      .values(
        part.map((m) => ({
          box_id: m.boxId,
          version: m.version,
          expires_at: expiresAt,
          content_digest: m.contentDigest,
          route_id: m.routeId,
          agreement_key: m.agreementKey,
        })),
      )
      .onConflict((oc) =>
        oc
          .column('box_id')
          .doUpdateSet((eb) => ({
            version: eb.ref('excluded.version'),
            expires_at: eb.ref('excluded.expires_at'),
            content_digest: eb.ref('excluded.content_digest'),
            route_id: eb.ref('excluded.route_id'),
            agreement_key: eb.ref('excluded.agreement_key'),
          }))
          .where((eb) =>
            eb('box_content_heads.version', '=', eb(eb.ref('excluded.version'), '-', 1)),
          ),
      )
      .executeTakeFirst();
    // A conflict whose condition failed writes nothing: that box's head moved meanwhile.
    if (Number(written.numInsertedOrUpdatedRows ?? 0) !== part.length) throw new HeadMovedError();

    await trx
      .insertInto('box_manifests')
      .values(
        part.map((m) => ({
          box_id: m.boxId,
          version: m.version,
          issued_at: now,
          expires_at: expiresAt,
          json: m.json,
        })),
      )
      .execute();
    await trx
      .deleteFrom('box_manifests')
      .where(
        'box_id',
        'in',
        part.map((m) => m.boxId),
      )
      .where(
        sql<boolean>`version < (select h.version - 1 from box_content_heads h where h.box_id = box_manifests.box_id)`,
      )
      .execute();
  }
}

/**
 * Records the route of boxes whose content came out the same as their manifest's, so they do
 * not look moved to the next run. Conditional on the head version the job read.
 */
export async function recordUnchanged(
  trx: Kysely<FleetDatabase>,
  boxes: readonly { boxId: string; version: number; routeId: number | null }[],
): Promise<void> {
  const byRoute = new Map<number | null, { boxId: string; version: number }[]>();
  for (const b of boxes) byRoute.set(b.routeId, [...(byRoute.get(b.routeId) ?? []), b]);
  for (const [routeId, group] of byRoute) {
    for (const part of chunks(group, 500)) {
      const updated = await trx
        .updateTable('box_content_heads')
        .set({ route_id: routeId })
        .where(
          sql<boolean>`(box_id, version) in (${sql.join(
            part.map((b) => sql`(${b.boxId}, ${b.version})`),
          )})`,
        )
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== part.length) throw new HeadMovedError();
    }
  }
}

/**
 * Counts down the dirty marks the job saw (changes made meanwhile stay counted) and removes
 * marks that reached zero.
 */
export async function countDown(
  trx: Kysely<FleetDatabase>,
  seen: ReadonlyMap<string, number>,
): Promise<void> {
  const bySeen = new Map<number, string[]>();
  for (const [boxId, n] of seen) bySeen.set(n, [...(bySeen.get(n) ?? []), boxId]);
  for (const [n, boxIds] of bySeen) {
    for (const part of chunks(boxIds, 500)) {
      await trx
        .updateTable('box_content_dirty')
        .set((eb) => ({ changes: eb('changes', '-', n) }))
        .where('box_id', 'in', part)
        .execute();
    }
  }
  for (const part of chunks([...seen.keys()], 500)) {
    await trx
      .deleteFrom('box_content_dirty')
      .where('box_id', 'in', part)
      .where('changes', '<=', 0)
      .execute();
  }
}
