import type { Kysely } from 'kysely';
import { isUniqueViolation } from '@jukebox/db';
import { recordAudit, type StaffActor } from '../../audit/log.js';
import { isoTime, type Clock } from '../../clock.js';
import type { FleetDatabase } from '../../db/schema.js';
import { conflict, FleetError, notFound } from '../../errors.js';
import type { ContentSet, ContentSetDetail, SetContentSetItemsRequest } from '../api.js';
import { markBoxes, markBoxesOfRoute, markBoxesOfSets } from '../manifests/dirty.js';
import { inChunks } from '../manifests/load.js';
import type { ContentSetRow } from '../schema.js';

/** Rows per multi-row insert: a few thousand parameters at most on either engine. */
const INSERT_CHUNK = 500;

/**
 * Content sets: named lists of tracks and graphics, assigned to boxes and to routes (every
 * box on the route holds them). Each change that alters what boxes should hold marks those
 * boxes in the same transaction (manifests/dirty.ts) and then calls `changed`, which starts
 * the manifest job; a crash in between loses nothing, the next run finds the marks.
 */
export class ContentSetService {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
    private readonly changed: () => void,
  ) {}

  async list(): Promise<ContentSet[]> {
    const rows = await this.db.selectFrom('content_sets').selectAll().orderBy('name').execute();
    return this.#views(rows);
  }

  async get(setId: number, db: Kysely<FleetDatabase> = this.db): Promise<ContentSetDetail> {
    const row = await db
      .selectFrom('content_sets')
      .selectAll()
      .where('id', '=', setId)
      .executeTakeFirst();
    if (!row) throw notFound(`content set ${setId}`);
    const [view] = await this.#views([row], db);
    const [tracks, graphics, boxes] = await Promise.all([
      db
        .selectFrom('content_set_tracks')
        .select('track_id')
        .where('set_id', '=', setId)
        .orderBy('track_id')
        .execute(),
      db
        .selectFrom('content_set_graphics')
        .select('graphic_id')
        .where('set_id', '=', setId)
        .orderBy('graphic_id')
        .execute(),
      db
        .selectFrom('content_set_boxes')
        .select('box_id')
        .where('set_id', '=', setId)
        .orderBy('box_id')
        .execute(),
    ]);
    return {
      ...view!,
      trackIds: tracks.map((t) => t.track_id),
      graphicIds: graphics.map((g) => g.graphic_id),
      boxIds: boxes.map((b) => b.box_id),
    };
  }

  async create(name: string, actor: StaffActor): Promise<ContentSetDetail> {
    const now = this.clock.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('content_sets')
          .values({ name, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(trx, now, {
          actor,
          action: 'content-set.create',
          targetType: 'content-set',
          targetId: id,
          details: { name },
        });
        return this.get(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a content set named "${name}" exists`);
      throw err;
    }
  }

  /** Renames a set; what boxes hold does not change, so no manifest is issued. */
  async rename(setId: number, name: string, actor: StaffActor): Promise<ContentSetDetail> {
    const now = this.clock.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const before = await this.get(setId, trx);
        await trx
          .updateTable('content_sets')
          .set({ name, updated_at: now })
          .where('id', '=', setId)
          .execute();
        await recordAudit(trx, now, {
          actor,
          action: 'content-set.rename',
          targetType: 'content-set',
          targetId: setId,
          details: { from: before.name, to: name },
        });
        return this.get(setId, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a content set named "${name}" exists`);
      throw err;
    }
  }

  /** Replaces the tracks and graphics of a set; every id must exist (400 names the missing). */
  async setItems(
    setId: number,
    items: SetContentSetItemsRequest,
    actor: StaffActor,
  ): Promise<ContentSetDetail> {
    const trackIds = [...new Set(items.trackIds)];
    const graphicIds = [...new Set(items.graphicIds)];
    const now = this.clock.now();
    const detail = await this.db.transaction().execute(async (trx) => {
      await this.get(setId, trx);
      await this.#requireAll(trx, 'catalog_tracks', 'track', trackIds);
      await this.#requireAll(trx, 'graphics', 'graphic', graphicIds);
      // The boxes that held the set before hold the new list after: the same boxes are marked.
      await trx.deleteFrom('content_set_tracks').where('set_id', '=', setId).execute();
      await trx.deleteFrom('content_set_graphics').where('set_id', '=', setId).execute();
      for (let i = 0; i < trackIds.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('content_set_tracks')
          .values(
            trackIds.slice(i, i + INSERT_CHUNK).map((track_id) => ({ set_id: setId, track_id })),
          )
          .execute();
      }
      for (let i = 0; i < graphicIds.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('content_set_graphics')
          .values(
            graphicIds
              .slice(i, i + INSERT_CHUNK)
              .map((graphic_id) => ({ set_id: setId, graphic_id })),
          )
          .execute();
      }
      await trx
        .updateTable('content_sets')
        .set({ updated_at: now })
        .where('id', '=', setId)
        .execute();
      await markBoxesOfSets(trx, [setId]);
      await recordAudit(trx, now, {
        actor,
        action: 'content-set.set-items',
        targetType: 'content-set',
        targetId: setId,
        details: { tracks: trackIds.length, graphics: graphicIds.length },
      });
      return this.get(setId, trx);
    });
    this.changed();
    return detail;
  }

  /** Assigns a set to a box (idempotent). */
  async assignBox(setId: number, boxId: string, actor: StaffActor): Promise<ContentSetDetail> {
    return this.#change(setId, actor, 'content-set.assign-box', { boxId }, async (trx, now) => {
      await this.#requireBox(trx, boxId);
      const inserted = await trx
        .insertInto('content_set_boxes')
        .values({ set_id: setId, box_id: boxId, assigned_at: now })
        .onConflict((oc) => oc.columns(['set_id', 'box_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await markBoxes(trx, [boxId]);
      return true;
    });
  }

  async unassignBox(setId: number, boxId: string, actor: StaffActor): Promise<ContentSetDetail> {
    return this.#change(setId, actor, 'content-set.unassign-box', { boxId }, async (trx) => {
      const removed = await trx
        .deleteFrom('content_set_boxes')
        .where('set_id', '=', setId)
        .where('box_id', '=', boxId)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0)
        throw notFound(`box ${boxId} in content set ${setId}`);
      await markBoxes(trx, [boxId]);
      return true;
    });
  }

  /** Assigns a set to a route: every box on it, now and later, holds the set (idempotent). */
  async assignRoute(setId: number, routeId: number, actor: StaffActor): Promise<ContentSetDetail> {
    return this.#change(setId, actor, 'content-set.assign-route', { routeId }, async (trx, now) => {
      const route = await trx
        .selectFrom('routes')
        .select('id')
        .where('id', '=', routeId)
        .executeTakeFirst();
      if (!route) throw notFound(`route ${routeId}`);
      const inserted = await trx
        .insertInto('content_set_routes')
        .values({ set_id: setId, route_id: routeId, assigned_at: now })
        .onConflict((oc) => oc.columns(['set_id', 'route_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await markBoxesOfRoute(trx, routeId);
      return true;
    });
  }

  async unassignRoute(
    setId: number,
    routeId: number,
    actor: StaffActor,
  ): Promise<ContentSetDetail> {
    return this.#change(setId, actor, 'content-set.unassign-route', { routeId }, async (trx) => {
      const removed = await trx
        .deleteFrom('content_set_routes')
        .where('set_id', '=', setId)
        .where('route_id', '=', routeId)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) {
        throw notFound(`route ${routeId} in content set ${setId}`);
      }
      await markBoxesOfRoute(trx, routeId);
      return true;
    });
  }

  /**
   * One assignment change in a transaction: the set must exist, `apply` says whether anything
   * changed (an idempotent repeat records no audit entry and starts no job).
   */
  async #change(
    setId: number,
    actor: StaffActor,
    action: string,
    details: Record<string, unknown>,
    apply: (trx: Kysely<FleetDatabase>, now: number) => Promise<boolean>,
  ): Promise<ContentSetDetail> {
    const now = this.clock.now();
    let changed = false;
    const detail = await this.db.transaction().execute(async (trx) => {
      await this.get(setId, trx);
      changed = await apply(trx, now);
      if (changed) {
        await recordAudit(trx, now, {
          actor,
          action,
          targetType: 'content-set',
          targetId: setId,
          details,
        });
      }
      return this.get(setId, trx);
    });
    if (changed) this.changed();
    return detail;
  }

  async #requireBox(db: Kysely<FleetDatabase>, boxId: string): Promise<void> {
    const box = await db
      .selectFrom('boxes')
      .select('id')
      .where('id', '=', boxId)
      .executeTakeFirst();
    if (!box) throw notFound(`box ${boxId}`);
  }

  async #requireAll(
    db: Kysely<FleetDatabase>,
    table: 'catalog_tracks' | 'graphics',
    what: string,
    ids: readonly string[],
  ): Promise<void> {
    const found = new Set(
      (
        await inChunks(ids, (chunk) =>
          db.selectFrom(table).select('id').where('id', 'in', chunk).execute(),
        )
      ).map((r) => r.id),
    );
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(', ');
      throw new FleetError(
        'bad_request',
        `no such ${what}${missing.length > 1 ? 's' : ''}: ${shown}${missing.length > 5 ? ', …' : ''}`,
      );
    }
  }

  async #views(
    rows: readonly ContentSetRow[],
    db: Kysely<FleetDatabase> = this.db,
  ): Promise<ContentSet[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const count = (table: 'content_set_tracks' | 'content_set_graphics' | 'content_set_boxes') =>
      db
        .selectFrom(table)
        .select(['set_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('set_id', 'in', ids)
        .groupBy('set_id')
        .execute();
    const [tracks, graphics, boxes, routes] = await Promise.all([
      count('content_set_tracks'),
      count('content_set_graphics'),
      count('content_set_boxes'),
      db
        .selectFrom('content_set_routes')
        .select(['set_id', 'route_id'])
        .where('set_id', 'in', ids)
        .orderBy('route_id')
        .execute(),
    ]);
    const n = (list: { set_id: number; n: number }[], id: number) =>
      Number(list.find((c) => c.set_id === id)?.n ?? 0);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      trackCount: n(tracks, r.id),
      graphicCount: n(graphics, r.id),
      boxCount: n(boxes, r.id),
      routeIds: routes.filter((x) => x.set_id === r.id).map((x) => x.route_id),
      createdAt: isoTime(r.created_at),
      updatedAt: isoTime(r.updated_at),
    }));
  }
}
