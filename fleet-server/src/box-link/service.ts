import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { decodeJson } from '@jukebox/db';
import {
  statusData,
  type EnrollmentRequest,
  type FleetBoxSummary,
  type HelloMessage,
  type TelemetryRecord,
} from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../audit/log.js';
import { fleetScope, type Viewer } from '../auth/scope.js';
import { BoxService } from '../boxes/service.js';
import { isoTime, type Clock } from '../clock.js';
import type { FleetConfig } from '../config.js';
import type { FleetDatabase } from '../db/schema.js';
import { notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { BoxLinkStatus } from './api-schemas.js';
import { BoxAuthenticator, type AuthenticatedBox, type BoxRouteGuard } from './box-auth.js';
import {
  ControlChannelHub,
  DEFAULT_CHANNEL_TIMINGS,
  type ChannelTimings,
  type HubBackend,
} from './channel-hub.js';
import { Enrollment, type EnrolledBox } from './enrollment.js';
import { BoxLinkMetrics } from './link-metrics.js';
import { Reports } from './reports.js';
import { ServerKeyStore, type KeySealerSource, type ServerSigningKey } from './server-keys.js';
import { TelemetryStore } from './telemetry-store.js';

export type { AuthenticatedBox, BoxRouteGuard } from './box-auth.js';
export type { ServerSigningKey } from './server-keys.js';

export interface BoxLinkDeps {
  config: FleetConfig;
  db: Kysely<FleetDatabase>;
  clock: Clock;
  log: Logger;
  /** Control channel timings (tests shorten them); defaults: ping 30 s, idle 90 s. */
  channel?: Partial<ChannelTimings>;
}

/** Says which manifest version is the newest for a box (0: none yet). */
export type ManifestVersionSource = (boxId: string) => Promise<number>;

/** Told after a box has enrolled (committed), e.g. to issue its first manifest. */
export type EnrolledListener = (box: { boxId: string; routeId: number | null }) => unknown;

/**
 * The box link: enrollment, box authentication, the server's signing key, the control
 * channel, telemetry and its reports. Other modules use:
 *
 * - `boxAuth` / `boxOf(request)`: guard a route for enrolled boxes, and see which box called;
 * - `serverSigningKey()`: the key manifests are signed with (the one boxes pinned);
 * - `notifyManifest(boxId, version)`: tell a connected box that a newer manifest is ready;
 * - `setManifestVersionSource(fn)`: how the channel learns a box's newest manifest at hello;
 * - `useKeySealer(fn)`: the master key the server's private keys are sealed with at rest;
 * - `onEnrolled(listener)`: hear about each new box.
 */
export class BoxLinkService {
  readonly metrics: BoxLinkMetrics;
  readonly channel: ControlChannelHub;
  readonly telemetry: TelemetryStore;
  readonly enrollment: Enrollment;
  readonly reports: Reports;
  readonly timings: ChannelTimings;
  readonly #auth: BoxAuthenticator;
  readonly #keys: ServerKeyStore;
  readonly #boxes: BoxService;
  readonly #enrolledListeners = new Set<EnrolledListener>();
  #manifestVersion: ManifestVersionSource = async () => 0;
  #keySealer: KeySealerSource = () =>
    Promise.reject(
      new Error('no master key to seal the server keys with (content module not set up)'),
    );

  constructor(readonly deps: BoxLinkDeps) {
    const { db, clock, log } = deps;
    this.timings = { ...DEFAULT_CHANNEL_TIMINGS, ...deps.channel };
    this.#auth = new BoxAuthenticator(db, clock);
    this.#keys = new ServerKeyStore(db, clock, () => this.#keySealer(), log);
    this.#boxes = new BoxService(db, clock);
    this.telemetry = new TelemetryStore(db);
    this.enrollment = new Enrollment(db, clock, this.#keys);
    this.reports = new Reports(db, clock);
    this.metrics = new BoxLinkMetrics(() => this.channel.size);
    this.channel = new ControlChannelHub({
      backend: this.#hubBackend(),
      clock,
      log: log.child({ module: 'box-link' }),
      metrics: this.metrics,
      timings: this.timings,
    });
  }

  /**
   * Guard for box-authenticated routes:
   * `{ ...ctx.link.boxAuth.hooks, schema: { ...ctx.link.boxAuth.schema, … } }`.
   * 401 for missing, malformed, stale or badly signed requests and unknown boxes; 403
   * `revoked` for a revoked box.
   */
  get boxAuth(): BoxRouteGuard {
    return this.#auth.guard;
  }

  /** The box behind a request on a `boxAuth`-guarded route. */
  boxOf(request: FastifyRequest): AuthenticatedBox {
    return this.#auth.boxOf(request);
  }

  /** The server's Ed25519 manifest key, made once and shared by every server process. */
  serverSigningKey(): Promise<ServerSigningKey> {
    return this.#keys.signingKey();
  }

  /** Sends `manifest-notice` to the box if its channel is open in this process; else nothing. */
  notifyManifest(boxId: string, version: number): void {
    this.channel.notifyManifest(boxId, version);
  }

  /** Set by the content module: the master key that seals the server's private keys at rest. */
  useKeySealer(source: KeySealerSource): void {
    this.#keySealer = source;
  }

  /** Set by the content module: the newest manifest version of a box, asked at each hello. */
  setManifestVersionSource(source: ManifestVersionSource): void {
    this.#manifestVersion = source;
  }

  /** Listens for enrollments; returns a function that stops listening. */
  onEnrolled(listener: EnrolledListener): () => void {
    this.#enrolledListeners.add(listener);
    return () => this.#enrolledListeners.delete(listener);
  }

  /** Enrolls a box (see Enrollment.enroll), then tells the listeners. */
  async enroll(request: EnrollmentRequest, remoteAddress: string | null): Promise<EnrolledBox> {
    const enrolled = await this.enrollment.enroll(request, remoteAddress);
    for (const listener of this.#enrolledListeners) {
      try {
        await listener({ boxId: enrolled.boxId, routeId: enrolled.routeId });
      } catch (err) {
        // The box is enrolled whatever a listener does; it will sync at its next hello.
        this.deps.log.error({ err, boxId: enrolled.boxId }, 'enrollment listener failed');
      }
    }
    return enrolled;
  }

  /** Stores a telemetry batch (channel, HTTP, bundles); returns the box's ack. */
  async storeTelemetry(boxId: string, records: readonly TelemetryRecord[]): Promise<number> {
    const { ack, inserted } = await this.telemetry.storeBatch(
      boxId,
      records,
      this.deps.clock.now(),
    );
    for (const r of inserted) this.metrics.telemetryStored.inc({ kind: r.kind });
    return ack;
  }

  /**
   * Revokes a box: its requests are refused from now on (403) and its open channel is closed
   * with `error revoked` (at once in this process; other processes notice within a ping
   * interval).
   */
  async revokeBox(boxId: string, actor: StaffActor): Promise<FleetBoxSummary> {
    const now = this.deps.clock.now();
    const summary = await this.deps.db.transaction().execute(async (trx) => {
      const box = await this.#boxes.get(boxId, trx);
      if (box.status === 'active') {
        await trx
          .updateTable('boxes')
          .set({ status: 'revoked', revoked_at: now })
          .where('id', '=', boxId)
          .execute();
        await recordAudit(trx, now, {
          actor,
          action: 'box.revoke',
          targetType: 'box',
          targetId: boxId,
        });
      }
      return this.#boxes.get(boxId, trx);
    });
    this.channel.revoke(boxId);
    return summary;
  }

  /** A box's link as staff see it; a box outside the viewer's routes is not found. */
  async linkStatus(boxId: string, viewer: Viewer): Promise<BoxLinkStatus> {
    const scope = fleetScope(viewer);
    let query = this.deps.db
      .selectFrom('boxes as b')
      .leftJoin('box_link_state as s', 's.box_id', 'b.id')
      .leftJoin('box_keys as k', 'k.box_id', 'b.id')
      .select([
        'b.id',
        'b.status',
        'k.box_id as key_box_id',
        's.acked_seq',
        's.last_hello_at',
        's.last_disconnect_at',
        's.last_seen_at',
        's.software_version',
        's.acked_manifest_version',
        's.last_telemetry_seq',
        's.last_status',
        's.last_status_at',
      ])
      .where('b.id', '=', boxId);
    if (scope.kind === 'assigned-routes') {
      query = query.where('b.route_id', 'in', (eb) =>
        eb.selectFrom('route_staff').select('route_id').where('user_id', '=', scope.userId),
      );
    }
    const row = await query.executeTakeFirst();
    if (!row) throw notFound(`box ${boxId}`);
    const now = this.deps.clock.now();
    const here = this.channel.lastSeen(boxId);
    const lastSeen = Math.max(here ?? 0, row.last_seen_at ?? 0) || null;
    // Open here, or (another process) said hello since its last disconnect and was seen lately.
    const connected =
      here !== undefined ||
      (row.last_hello_at !== null &&
        (row.last_disconnect_at === null || row.last_disconnect_at < row.last_hello_at) &&
        lastSeen !== null &&
        now - lastSeen <= this.timings.idleTimeoutMs);
    return {
      boxId: row.id,
      status: row.status,
      enrolled: row.key_box_id !== null,
      connected,
      lastSeenAt: lastSeen === null ? null : isoTime(lastSeen),
      lastHelloAt: row.last_hello_at === null ? null : isoTime(row.last_hello_at),
      ackedSeq: row.acked_seq ?? 0,
      lastTelemetrySeq: row.last_telemetry_seq ?? 0,
      ackedManifestVersion: row.acked_manifest_version ?? 0,
      softwareVersion: row.software_version,
      lastStatus: row.last_status === null ? null : decodeJson(row.last_status, statusData),
      lastStatusAt: row.last_status_at === null ? null : isoTime(row.last_status_at),
    };
  }

  /** What the control channel asks of storage. */
  #hubBackend(): HubBackend {
    const { db } = this.deps;
    return {
      lookupBox: (boxId) => this.#auth.lookup(boxId),
      accepted: async (boxId: string, hello: HelloMessage, now: number) => {
        const seen = {
          last_hello_at: now,
          last_seen_at: now,
          software_version: hello.softwareVersion,
          acked_manifest_version: hello.ackedManifestVersion,
          last_telemetry_seq: hello.lastTelemetrySeq,
        };
        // One statement (one commit): thousands of boxes say hello after a server restart.
        await db
          .insertInto('box_link_state')
          .values({ box_id: boxId, ...seen })
          .onConflict((oc) => oc.column('box_id').doUpdateSet(seen))
          .execute();
        const [ackedSeq, newestManifest] = await Promise.all([
          this.telemetry.ackOf(boxId),
          this.#manifestVersion(boxId),
        ]);
        return { ackedSeq, newestManifest };
      },
      storeTelemetry: (boxId, records) => this.storeTelemetry(boxId, records),
      recordStatus: (boxId, status, now) => this.telemetry.recordStatus(boxId, status, now),
      disconnected: async (boxId, now) => {
        await db
          .updateTable('box_link_state')
          .set({ last_disconnect_at: now, last_seen_at: now })
          .where('box_id', '=', boxId)
          .execute();
      },
      touch: (boxIds, now) =>
        // One transaction (one commit), in slices that keep each statement's parameters few.
        db.transaction().execute(async (trx) => {
          for (let i = 0; i < boxIds.length; i += 500) {
            await trx
              .updateTable('box_link_state')
              .set({ last_seen_at: now })
              .where('box_id', 'in', boxIds.slice(i, i + 500))
              .execute();
          }
        }),
      revokedSince: async (since) =>
        (
          await db
            .selectFrom('boxes')
            .select('id')
            .where('status', '=', 'revoked')
            .where('revoked_at', '>=', since)
            .execute()
        ).map((r) => r.id),
    };
  }
}
