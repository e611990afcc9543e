import { mkdirSync } from 'node:fs';
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
import { frameworkErrorHandler, installErrorHandling } from './errors.js';
import { instrumentRequests } from './metrics.js';
import { createLogger, type Logger } from './logger.js';
import { fleetModules } from './modules.js';
import { registerOpenApi } from './openapi.js';
import { createFleetContext } from './services.js';
import { registerWebsockets } from './websocket.js';

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
      close: () => (closing ??= closeApp(app, config.shutdownTimeoutSeconds * 1000, log)),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/**
 * Closes the app gracefully, but within half of `timeoutMs`: HTTP connections still open by
 * then (a client that stopped reading, or sent half a request and went quiet) are cut, with
 * a warning, so the modules' and the database's close hooks always run. The CLI's own
 * shutdown timer (the whole `timeoutMs`) stays the last resort.
 */
async function closeApp(app: FleetApp, timeoutMs: number, log: Logger): Promise<void> {
  const cut = setTimeout(() => {
    log.warn({ afterMs: timeoutMs / 2 }, 'shutdown: cutting HTTP connections still open');
    app.server.closeAllConnections();
  }, timeoutMs / 2);
  cut.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

/**
 * Node closes idle keep-alive connections when the server starts closing, but a connection
 * that is busy at that moment would, once its response is sent, sit idle until its keep-alive
 * timeout (72 s) and hold the shutdown open. Responses sent while closing therefore carry
 * `Connection: close`, so each such connection ends right after its last response.
 */
function closeConnectionsWhenDone(app: FleetApp): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}

async function createApp(ctx: FleetContext, modules: readonly FleetModule[]): Promise<FleetApp> {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: ctx.config.http.bodyLimitBytes,
    trustProxy: ctx.config.http.trustProxy,
    // Idle keep-alive connections are closed at shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<ZodTypeProvider>() as unknown as FleetApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('staff', null);
  installErrorHandling(app);
  closeConnectionsWhenDone(app);
  instrumentRequests(app, ctx.metrics);
  await registerOpenApi(app);
  await registerWebsockets(app);
  for (const module of modules) {
    await app.register(async (scope) => module.register(scope as FleetApp, ctx), {});
  }
  app.addHook('onClose', async () => {
    await ctx.db.destroy();
  });
  await app.ready();
  return app;
}
