import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FleetBoxSummary } from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../audit/log.js';
import { fleetScope, type Viewer } from '../auth/scope.js';
import { isoTime, type Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';
import { notFound } from '../errors.js';

/**
 * A new box id: `box-` and 20 hex digits (80 random bits). Random rather than a counter, so
 * ids reveal neither the fleet's size nor each other, and fit the `x-box-id` header alphabet.
 */
export function newBoxId(): string {
  return `box-${randomBytes(10).toString('hex')}`;
}

export interface NewBox {
  id?: string;
  name: string;
  routeId?: number | null;
}

/** The boxes table: listing scoped to the viewer, route assignment, and creation for enrollment. */
export class BoxService {
  /**
   * @param contentChanged called after a change that alters what a box should hold (a move to
   *   another route takes the new route's content sets with it); it starts the manifest job.
   */
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
    private readonly contentChanged: () => void = () => {},
  ) {}

  #select(db: Kysely<FleetDatabase>) {
    return db
      .selectFrom('boxes as b')
      .leftJoin('routes as r', 'r.id', 'b.route_id')
      .select(['b.id', 'b.name', 'b.status', 'b.route_id', 'r.name as route_name', 'b.created_at']);
  }

  /** Boxes the viewer may see: all for admins and technicians, else those on their routes. */
  async list(viewer: Viewer): Promise<FleetBoxSummary[]> {
    const scope = fleetScope(viewer);
    let query = this.#select(this.db).orderBy('b.name').orderBy('b.id');
    if (scope.kind === 'assigned-routes') {
      query = query.where('b.route_id', 'in', (eb) =>
        eb.selectFrom('route_staff').select('route_id').where('user_id', '=', scope.userId),
      );
    }
    return (await query.execute()).map(toSummary);
  }

  async get(boxId: string, db: Kysely<FleetDatabase> = this.db): Promise<FleetBoxSummary> {
    const row = await this.#select(db).where('b.id', '=', boxId).executeTakeFirst();
    if (!row) throw notFound(`box ${boxId}`);
    return toSummary(row);
  }

  /**
   * Adds a box row (enrollment calls this inside its own transaction, passing `db`).
   * `actor` is the staff member responsible, when there is one.
   */
  async create(
    input: NewBox,
    actor: StaffActor | null,
    db: Kysely<FleetDatabase> = this.db,
  ): Promise<FleetBoxSummary> {
    const now = this.clock.now();
    const id = input.id ?? newBoxId();
    await db
      .insertInto('boxes')
      .values({
        id,
        name: input.name,
        route_id: input.routeId ?? null,
        status: 'active',
        created_at: now,
        revoked_at: null,
      })
      .execute();
    await recordAudit(db, now, {
      actor,
      action: 'box.create',
      targetType: 'box',
      targetId: id,
      details: { name: input.name },
    });
    return this.get(id, db);
  }

  /**
   * Puts a box on a route, or takes it off with `routeId: null`. The route's content sets come
   * and go with it: once the move is committed, the manifest job is started, and it finds the
   * box by its route differing from the one its manifest was built for (a crash in between
   * loses nothing: the job's next pass finds it the same way).
   */
  async setRoute(
    boxId: string,
    routeId: number | null,
    actor: StaffActor,
  ): Promise<FleetBoxSummary> {
    const now = this.clock.now();
    let moved = false;
    const summary = await this.db.transaction().execute(async (trx) => {
      const before = await this.get(boxId, trx);
      if (routeId !== null) {
        const route = await trx
          .selectFrom('routes')
          .select('id')
          .where('id', '=', routeId)
          .executeTakeFirst();
        if (!route) throw notFound(`route ${routeId}`);
      }
      if (before.routeId !== routeId) {
        await trx.updateTable('boxes').set({ route_id: routeId }).where('id', '=', boxId).execute();
        moved = true;
        await recordAudit(trx, now, {
          actor,
          action: 'box.set-route',
          targetType: 'box',
          targetId: boxId,
          details: { from: before.routeId, to: routeId },
        });
      }
      return this.get(boxId, trx);
    });
    if (moved) this.contentChanged();
    return summary;
  }
}

function toSummary(row: {
  id: string;
  name: string;
  status: 'active' | 'revoked';
  route_id: number | null;
  route_name: string | null;
  created_at: number;
}): FleetBoxSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    routeId: row.route_id,
    routeName: row.route_name,
    createdAt: isoTime(row.created_at),
  };
}
