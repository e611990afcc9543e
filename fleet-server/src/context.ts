import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { StaffAuth } from './auth/staff-auth.js';
import type { BoxLinkService } from './box-link/service.js';
import type { BoxService } from './boxes/service.js';
import type { ContentService } from './content/service.js';
import type { Clock } from './clock.js';
import type { FleetConfig } from './config.js';
import type { FleetDatabase } from './db/schema.js';
import type { FleetRouteService } from './fleet-routes/service.js';
import type { Logger } from './logger.js';
import type { FleetMetrics } from './metrics.js';
import type { StaffService } from './staff/service.js';
import type { SessionStore } from './staff/sessions.js';

/** The fastify instance with zod schemas typing every route's input and output. */
export type FleetApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * Everything a module needs, made once per server. Modules get their dependencies from here
 * rather than importing singletons, so tests can build several servers in one process.
 */
export interface FleetContext {
  readonly config: FleetConfig;
  readonly db: Kysely<FleetDatabase>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: FleetMetrics;
  readonly auth: StaffAuth;
  readonly sessions: SessionStore;
  readonly staff: StaffService;
  readonly routes: FleetRouteService;
  readonly boxes: BoxService;
  /** Enrollment, box keys and authentication, the control channel, telemetry. */
  readonly link: BoxLinkService;
  /** Catalog, blobs, content sets, signed manifests. */
  readonly content: ContentService;
}

/**
 * One feature's HTTP (and WebSocket) surface. `register` adds its routes, hooks and metrics;
 * it runs inside its own fastify plugin scope, so hooks it adds stay its own. Cleanup goes in
 * an `onClose` hook, which runs at graceful shutdown.
 */
export interface FleetModule {
  readonly name: string;
  register(app: FleetApp, ctx: FleetContext): void | Promise<void>;
}
