import type { Kysely } from 'kysely';
import type { FleetDatabase } from '../../db/schema.js';

/**
 * The active, enrolled boxes whose manifest may need issuing, each found by an indexed query:
 *
 * - marked dirty by a change to their sets, assignments or tracks (dirty.ts);
 * - with a manifest expiring before `renewBefore` (renewal ahead of expiry);
 * - moved to another route, or holding another key, than their manifest was built for (route
 *   changes and enrollment are made by other modules, which need not know about content);
 * - without any manifest yet but holding sets, directly or through their route (a box just
 *   enrolled into a route that has sets).
 *
 * Sorted, so batches are stable from run to run.
 */
export async function dueBoxes(db: Kysely<FleetDatabase>, renewBefore: number): Promise<string[]> {
  const active = db
    .selectFrom('boxes as b')
    .innerJoin('box_keys as k', 'k.box_id', 'b.id')
    .where('b.status', '=', 'active');
  const [dirty, expiring, drifted, fresh] = await Promise.all([
    active
      .innerJoin('box_content_dirty as d', 'd.box_id', 'b.id')
      .select('b.id')
      .where('d.changes', '>', 0)
      .execute(),
    active
      .innerJoin('box_content_heads as h', 'h.box_id', 'b.id')
      .select('b.id')
      .where('h.expires_at', '<=', renewBefore)
      .execute(),
    active
      .innerJoin('box_content_heads as h', 'h.box_id', 'b.id')
      .select('b.id')
      .where((eb) =>
        eb.or([
          eb('b.route_id', 'is distinct from', eb.ref('h.route_id')),
          eb('k.agreement_public_key', '!=', eb.ref('h.agreement_key')),
        ]),
      )
      .execute(),
    active
      .select('b.id')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('box_content_heads as h')
              .select('h.box_id')
              .whereRef('h.box_id', '=', 'b.id'),
          ),
        ),
      )
      .where(({ or, exists, selectFrom }) =>
        or([
          exists(
            selectFrom('content_set_boxes as sb')
              .select('sb.set_id')
              .whereRef('sb.box_id', '=', 'b.id'),
          ),
          exists(
            selectFrom('content_set_routes as sr')
              .select('sr.set_id')
              .whereRef('sr.route_id', '=', 'b.route_id'),
          ),
        ]),
      )
      .execute(),
  ]);
  const ids = new Set<string>();
  for (const rows of [dirty, expiring, drifted, fresh]) for (const r of rows) ids.add(r.id);
  return [...ids].sort();
}
