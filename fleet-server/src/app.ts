import { mkdirSync } from 'node:fs';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { MigrationReport } from '@jukebox/db';
import { systemClock, type Clock } from './clock.js';
import type { FleetConfig } from './config.js';
import type { FleetApp, FleetContext, FleetModule } from './context.js';
import { migrateFleetDatabase, openFleetDatabase } from './db/open.js';
import { installErrorHandling } from './errors.js';
import { instrumentRequests } from './metrics.js';
import { createLogger, type Logger } from './logger.js';
import { fleetModules } from './modules.js';
import { registerOpenApi } from './openapi.js';
import { createFleetContext } from './services.js';

export interface BuildServerOptions {
  /** Time source for sessions and lockouts (tests inject a manual clock). */
  clock?: Clock;
  /** Default: JSON lines on stderr at `config.logLevel`. */
  logger?: Logger;
  /** Modules registered after the built-in ones (tests use this for probe routes). */
  extraModules?: readonly FleetModule[];
}

export interface FleetServer {
  readonly app: FleetApp;
  readonly context: FleetContext;
  /** What migrating the database did at start. */
  readonly migrations: MigrationReport;
  /** Listens on the configured host and port (0: any free port); resolves to the base URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop: no new connections, in-flight requests finish, WebSockets are closed
   * (1001 going away), then the database. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Builds the fleet server: opens and migrates the database, wires the services, registers
 * every module's routes and the OpenAPI document. Nothing listens until `listen()`.
 */
export async function buildServer(
  config: FleetConfig,
  options: BuildServerOptions = {},
): Promise<FleetServer> {
  const log = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true });
  mkdirSync(config.blobDir, { recursive: true });

  const db = await openFleetDatabase(config, log);
  let migrations: MigrationReport;
  try {
    migrations = await migrateFleetDatabase(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  if (migrations.applied.length) log.info({ applied: migrations.applied }, 'database migrated');

  try {
    const context = createFleetContext(config, db, clock, log);
    const app = await createApp(context, [...fleetModules, ...(options.extraModules ?? [])]);
    let closing: Promise<void> | undefined;
    return {
      app,
      context,
      migrations,
      listen: () => app.listen({ host: config.http.host, port: config.http.port }),
      close: () => (closing ??= app.close()),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

async function createApp(ctx: FleetContext, modules: readonly FleetModule[]): Promise<FleetApp> {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: ctx.config.http.bodyLimitBytes,
    trustProxy: ctx.config.http.trustProxy,
    // Idle keep-alive connections are closed at shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>() as unknown as FleetApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('staff', null);
  installErrorHandling(app);
  instrumentRequests(app, ctx.metrics);
  await registerOpenApi(app);
  // Per-message deflate stays off (DESIGN.md "Box <-> server"): it costs memory per socket
  // and opens compression side channels, for small JSON messages that gain little.
  await app.register(fastifyWebsocket, {
    options: { perMessageDeflate: false, maxPayload: 1024 * 1024 },
  });
  for (const module of modules) {
    await app.register(async (scope) => module.register(scope as FleetApp, ctx), {});
  }
  app.addHook('onClose', async () => {
    await ctx.db.destroy();
  });
  await app.ready();
  return app;
}
