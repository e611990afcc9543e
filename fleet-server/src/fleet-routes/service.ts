import type { Kysely } from 'kysely';
import { isUniqueViolation } from '@jukebox/db';
import type { CreateFleetRouteRequest, FleetRoute } from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../audit/log.js';
import { fleetScope, type Viewer } from '../auth/scope.js';
import { isoTime, type Clock } from '../clock.js';
import type { FleetDatabase, RouteRow } from '../db/schema.js';
import { conflict, notFound } from '../errors.js';

/**
 * Routes: named lists of boxes that route operators service. A route operator sees the
 * routes they are assigned to; admins and technicians see all.
 */
export class FleetRouteService {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
  ) {}

  async list(viewer: Viewer): Promise<FleetRoute[]> {
    const scope = fleetScope(viewer);
    let query = this.db.selectFrom('routes').selectAll().orderBy('name');
    if (scope.kind === 'assigned-routes') {
      query = query.where('id', 'in', (eb) =>
        eb.selectFrom('route_staff').select('route_id').where('user_id', '=', scope.userId),
      );
    }
    return this.#views(await query.execute());
  }

  /** One route; a viewer who may not see it gets the same 404 as for a missing one. */
  async get(
    routeId: number,
    viewer?: Viewer,
    db: Kysely<FleetDatabase> = this.db,
  ): Promise<FleetRoute> {
    const row = await db
      .selectFrom('routes')
      .selectAll()
      .where('id', '=', routeId)
      .executeTakeFirst();
    if (!row) throw notFound(`route ${routeId}`);
    const [view] = await this.#views([row], db);
    const scope = viewer ? fleetScope(viewer) : { kind: 'all' as const };
    if (scope.kind === 'assigned-routes' && !view!.staffIds.includes(scope.userId)) {
      throw notFound(`route ${routeId}`);
    }
    return view!;
  }

  async create(input: CreateFleetRouteRequest, actor: StaffActor): Promise<FleetRoute> {
    const now = this.clock.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('routes')
          .select('id')
          .where('name', '=', input.name)
          .executeTakeFirst();
        if (taken) throw conflict(`a route named "${input.name}" exists`);
        const { id } = await trx
          .insertInto('routes')
          .values({ name: input.name, description: input.description ?? '', created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(trx, now, {
          actor,
          action: 'route.create',
          targetType: 'route',
          targetId: id,
          details: { name: input.name },
        });
        return this.get(id, undefined, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a route named "${input.name}" exists`);
      throw err;
    }
  }

  /** Idempotent: assigning someone already on the route changes nothing and logs nothing. */
  async assignStaff(routeId: number, userId: number, actor: StaffActor): Promise<FleetRoute> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      await this.get(routeId, undefined, trx);
      const user = await trx
        .selectFrom('staff_users')
        .select('id')
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) throw notFound(`staff user ${userId}`);
      const existing = await trx
        .selectFrom('route_staff')
        .select('user_id')
        .where('route_id', '=', routeId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!existing) {
        await trx
          .insertInto('route_staff')
          .values({ route_id: routeId, user_id: userId, assigned_at: now })
          .execute();
        await recordAudit(trx, now, {
          actor,
          action: 'route.assign-staff',
          targetType: 'route',
          targetId: routeId,
          details: { userId },
        });
      }
      return this.get(routeId, undefined, trx);
    });
  }

  async unassignStaff(routeId: number, userId: number, actor: StaffActor): Promise<FleetRoute> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      await this.get(routeId, undefined, trx);
      const removed = await trx
        .deleteFrom('route_staff')
        .where('route_id', '=', routeId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) {
        throw notFound(`staff user ${userId} on route ${routeId}`);
      }
      await recordAudit(trx, now, {
        actor,
        action: 'route.unassign-staff',
        targetType: 'route',
        targetId: routeId,
        details: { userId },
      });
      return this.get(routeId, undefined, trx);
    });
  }

  async #views(
    rows: readonly RouteRow[],
    db: Kysely<FleetDatabase> = this.db,
  ): Promise<FleetRoute[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [staff, boxes] = await Promise.all([
      db
        .selectFrom('route_staff')
        .select(['route_id', 'user_id'])
        .where('route_id', 'in', ids)
        .orderBy('user_id')
        .execute(),
      db
        .selectFrom('boxes')
        .select(['route_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('route_id', 'in', ids)
        .groupBy('route_id')
        .execute(),
    ]);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      staffIds: staff.filter((s) => s.route_id === r.id).map((s) => s.user_id),
      boxCount: boxes.find((b) => b.route_id === r.id)?.n ?? 0,
      createdAt: isoTime(r.created_at),
    }));
  }
}
