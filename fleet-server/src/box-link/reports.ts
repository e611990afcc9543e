import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { StaffRole } from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../audit/log.js';
import type { Viewer } from '../auth/scope.js';
import { isoTime, type Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';
import { FleetError, notFound } from '../errors.js';
import type {
  PlaysReport,
  PlaysReportQuery,
  SongRequestsReport,
  SongRequestsReportQuery,
} from './api-schemas.js';

/**
 * Roles whose reports cover the whole fleet. Bookkeepers and catalog managers work on fleet
 * totals although they do not service boxes, so this is wider than `fleetScope` (boxes and
 * routes); a route operator's reports cover the boxes on their routes.
 */
const FLEET_WIDE_REPORTS: readonly StaffRole[] = [
  'admin',
  'technician',
  'bookkeeper',
  'catalog-manager',
];

type ReportScope = { kind: 'all' } | { kind: 'assigned-routes'; userId: number };

export function reportScope(viewer: Viewer): ReportScope {
  return FLEET_WIDE_REPORTS.some((r) => viewer.roles.has(r))
    ? { kind: 'all' }
    : { kind: 'assigned-routes', userId: viewer.userId };
}

interface Span {
  from: number | null;
  to: number | null;
}

function spanOf(query: { from?: string | undefined; to?: string | undefined }): Span {
  const from = query.from === undefined ? null : Date.parse(query.from);
  const to = query.to === undefined ? null : Date.parse(query.to);
  if (from !== null && to !== null && from > to) {
    throw new FleetError('bad_request', 'query.from: must not be after query.to');
  }
  return { from, to };
}

/** Restricts a query over `boxes as b` to the boxes the scope covers. */
function scoped<O>(
  query: SelectQueryBuilder<FleetDatabase & { b: FleetDatabase['boxes'] }, 'b', O>,
  scope: ReportScope,
) {
  if (scope.kind === 'all') return query;
  return query.where('b.route_id', 'in', (eb) =>
    eb.selectFrom('route_staff').select('route_id').where('user_id', '=', scope.userId),
  );
}

/*
 * Plays per box and track, song requests per normalised text. Sums are cast to bigint so
 * PostgreSQL returns them as numbers (a plain sum of integers is `numeric` there, which pg
 * hands back as text).
 */

/** Who asks for a report: what they may see, and who they are for the audit log. */
export type ReportViewer = Viewer & { actor: StaffActor };

/**
 * Staff reports over the telemetry-derived tables. Each report read is audited: reports carry
 * takings and plays, and who looked at them is worth knowing.
 */
export class Reports {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
  ) {}

  #audit(viewer: ReportViewer, action: string, query: object): Promise<void> {
    return recordAudit(this.db, this.clock.now(), {
      actor: viewer.actor,
      action,
      details: { ...query },
    });
  }

  async plays(query: PlaysReportQuery, viewer: ReportViewer): Promise<PlaysReport> {
    const span = spanOf(query);
    const scope = reportScope(viewer);
    if (query.boxId !== undefined) {
      const visible = await scoped(
        this.db.selectFrom('boxes as b').select('b.id').where('b.id', '=', query.boxId),
        scope,
      ).executeTakeFirst();
      // A box outside the viewer's routes is "not found": its existence is not revealed.
      if (!visible) throw notFound(`box ${query.boxId}`);
    }
    let q = this.db
      .selectFrom('plays as p')
      .innerJoin('boxes as b', 'b.id', 'p.box_id')
      .select((eb) => [
        'p.box_id',
        'b.name as box_name',
        'p.track_key',
        eb.fn.max('p.catalog_id').as('catalog_id'),
        eb.fn.max('p.title').as('title'),
        eb.fn.max('p.artist').as('artist'),
        eb.fn.countAll<number>().as('plays'),
        sql<number>`cast(sum(p.completed) as bigint)`.as('completed_plays'),
        sql<number>`cast(sum(p.paid_credits) as bigint)`.as('paid_credits'),
      ])
      .groupBy(['p.box_id', 'b.name', 'p.track_key'])
      .orderBy('p.box_id')
      .orderBy('plays', 'desc')
      .orderBy('p.track_key')
      .limit(query.limit + 1);
    if (span.from !== null) q = q.where('p.started_at', '>=', span.from);
    if (span.to !== null) q = q.where('p.started_at', '<', span.to);
    if (query.boxId !== undefined) q = q.where('p.box_id', '=', query.boxId);
    const rows = await scoped(q, scope).execute();
    await this.#audit(viewer, 'report.plays', query);
    return {
      from: span.from === null ? null : isoTime(span.from),
      to: span.to === null ? null : isoTime(span.to),
      rows: rows.slice(0, query.limit).map((r) => ({
        boxId: r.box_id,
        boxName: r.box_name,
        trackKey: r.track_key,
        catalogId: r.catalog_id,
        title: r.title ?? '',
        artist: r.artist ?? '',
        plays: Number(r.plays),
        completedPlays: Number(r.completed_plays),
        paidCredits: Number(r.paid_credits),
      })),
      truncated: rows.length > query.limit,
    };
  }

  async songRequests(
    query: SongRequestsReportQuery,
    viewer: ReportViewer,
  ): Promise<SongRequestsReport> {
    const span = spanOf(query);
    let q = this.db
      .selectFrom('song_requests as s')
      .innerJoin('boxes as b', 'b.id', 's.box_id')
      .select((eb) => [
        's.normalized',
        eb.fn.min('s.text').as('sample_text'),
        eb.fn.countAll<number>().as('requests'),
        eb.fn.count<number>('s.box_id').distinct().as('boxes'),
        eb.fn.min('s.at').as('first_at'),
        eb.fn.max('s.at').as('last_at'),
      ])
      .groupBy('s.normalized')
      .orderBy('requests', 'desc')
      .orderBy('s.normalized')
      .limit(query.limit + 1);
    if (span.from !== null) q = q.where('s.at', '>=', span.from);
    if (span.to !== null) q = q.where('s.at', '<', span.to);
    const rows = await scoped(q, reportScope(viewer)).execute();
    await this.#audit(viewer, 'report.song-requests', query);
    return {
      from: span.from === null ? null : isoTime(span.from),
      to: span.to === null ? null : isoTime(span.to),
      rows: rows.slice(0, query.limit).map((r) => ({
        normalized: r.normalized,
        sampleText: r.sample_text ?? r.normalized,
        requests: Number(r.requests),
        boxes: Number(r.boxes),
        firstAt: isoTime(Number(r.first_at)),
        lastAt: isoTime(Number(r.last_at)),
      })),
      truncated: rows.length > query.limit,
    };
  }
}
