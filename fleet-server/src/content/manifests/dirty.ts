import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { FleetDatabase } from '../../db/schema.js';

/*
 * Marking boxes whose content may have changed. Every change that can alter what a box holds
 * calls one of these in its own transaction; the manifest job (issuer.ts) then rebuilds those
 * boxes' manifests and counts the marks down. Marks are counters, not flags, so a change made
 * while the job is busy with a box survives the job finishing with that box.
 */

type BoxIdQuery = SelectQueryBuilder<FleetDatabase, keyof FleetDatabase, { box_id: string }>;

async function mark(db: Kysely<FleetDatabase>, boxes: BoxIdQuery): Promise<void> {
  await db
    .insertInto('box_content_dirty')
    .columns(['box_id', 'changes'])
    .expression(
      db
        .selectFrom(boxes.as('affected'))
        .select(['affected.box_id', sql<number>`1`.as('changes')])
        .distinct()
        // SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT (a parsing ambiguity).
        .where(sql<boolean>`1 = 1`),
    )
    .onConflict((oc) =>
      oc.column('box_id').doUpdateSet({
        changes: (eb) => eb('box_content_dirty.changes', '+', 1),
      }),
    )
    .execute();
}

/** Marks the boxes that hold any of `setIds`, directly or through their route. */
export async function markBoxesOfSets(
  db: Kysely<FleetDatabase>,
  setIds: readonly number[],
): Promise<void> {
  if (setIds.length === 0) return;
  const direct = db.selectFrom('content_set_boxes').select('box_id').where('set_id', 'in', setIds);
  const viaRoute = db
    .selectFrom('boxes')
    .innerJoin('content_set_routes', 'content_set_routes.route_id', 'boxes.route_id')
    .select('boxes.id as box_id')
    .where('content_set_routes.set_id', 'in', setIds);
  await mark(db, direct.union(viaRoute) as BoxIdQuery);
}

/** Marks the boxes on a route. */
export async function markBoxesOfRoute(db: Kysely<FleetDatabase>, routeId: number): Promise<void> {
  await mark(
    db,
    db.selectFrom('boxes').select('id as box_id').where('route_id', '=', routeId) as BoxIdQuery,
  );
}

/** Marks the given boxes (those that exist). */
export async function markBoxes(
  db: Kysely<FleetDatabase>,
  boxIds: readonly string[],
): Promise<void> {
  if (boxIds.length === 0) return;
  await mark(
    db,
    db.selectFrom('boxes').select('id as box_id').where('id', 'in', boxIds) as BoxIdQuery,
  );
}

/** Marks the boxes holding a track, through any set that lists it. */
export async function markBoxesOfTrack(db: Kysely<FleetDatabase>, trackId: string): Promise<void> {
  const sets = await db
    .selectFrom('content_set_tracks')
    .select('set_id')
    .where('track_id', '=', trackId)
    .execute();
  await markBoxesOfSets(
    db,
    sets.map((s) => s.set_id),
  );
}
