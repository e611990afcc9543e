import { sql } from 'kysely';
import { DatabaseNewerThanCodeError } from '@jukebox/db';
import { testDatabaseTargets, type TestDatabase } from '@jukebox/db/testing';
import { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { buildServer } from './app.js';
import { publicRoute } from './auth/staff-auth.js';
import { loadConfig } from './config.js';
import { fleetMigrations } from './db/migrations/index.js';
import type { FleetModule } from './context.js';
import { errorResponses } from './errors.js';
import { startTestServer, type TestServer } from './test-support/server.js';

/** Probe routes standing in for later modules: a slow request, a crash, a socket, a metric. */
function probes() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  const module: FleetModule = {
    name: 'probes',
    register(app, ctx) {
      const hits = new Counter({
        name: 'fleet_probe_hits_total',
        help: 'probe hits',
        registers: [ctx.metrics.registry],
      });
      app.get(
        '/probe/slow',
        {
          schema: {
            ...publicRoute,
            response: { 200: z.object({ done: z.boolean() }), ...errorResponses },
          },
        },
        async () => {
          hits.inc();
          started();
          await released;
          return { done: true };
        },
      );
      app.get(
        '/probe/crash',
        { schema: { ...publicRoute, response: { 200: z.object({}), ...errorResponses } } },
        async () => {
          throw new Error('secret internals at /srv/fleet/db.ts:42');
        },
      );
      app.get(
        '/probe/ws',
        { websocket: true, schema: { ...publicRoute, hide: true } },
        (socket) => {
          socket.send('hello');
        },
      );
    },
  };
  return { module, release, slowStarted };
}

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`the fleet app on ${target.dialect}`, () => {
    let t: TestServer;
    let probe: ReturnType<typeof probes>;
    beforeAll(async () => {
      probe = probes();
      t = await startTestServer(target, {}, { extraModules: [probe.module] });
    });
    afterAll(() => t?.close());

    it('reports health with the database reachable', async () => {
      const res = await t.call('GET', '/healthz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok' });
    });

    it('serves Prometheus metrics: defaults, request durations by route pattern, module metrics', async () => {
      await t.call('GET', '/api/v1/staff/1', { token: t.adminToken });
      await t.call('GET', '/no/such/path');
      const res = await t.call('GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = res.body as string;
      expect(text).toContain('fleet_process_cpu_user_seconds_total');
      expect(text).toMatch(
        /fleet_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/staff\/:userId",status="200"\} 1/,
      );
      expect(text).toMatch(/route="unmatched",status="404"/);
      expect(text).toContain('fleet_probe_hits_total');
    });

    it('answers unknown routes and crashes with the JSON error shape, never a stack', async () => {
      const missing = await t.call('GET', '/nowhere');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        error: { code: 'not_found', message: 'no route for GET /nowhere' },
      });
      const crash = await t.call('GET', '/probe/crash');
      expect(crash.status).toBe(500);
      expect(crash.body).toEqual({ error: { code: 'internal', message: 'internal server error' } });
    });

    it('serves an OpenAPI 3 document with the staff security scheme', async () => {
      const doc = (await t.call('GET', '/openapi.json')).body as {
        openapi: string;
        components: { securitySchemes: Record<string, unknown> };
        paths: Record<string, unknown>;
      };
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.staffSession).toEqual(
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      );
      expect(Object.keys(doc.paths)).toContain('/api/v1/staff/{userId}/roles');
    });
  });

  describe.skipIf(!target.available)(`graceful close on ${target.dialect}`, () => {
    it('finishes in-flight requests, refuses new connections, says 1001 to sockets, closes the database', async () => {
      const probe = probes();
      const t = await startTestServer(target, {}, { extraModules: [probe.module] });
      const ws = new WebSocket(t.url.replace('http', 'ws') + '/probe/ws');
      const greeted = new Promise((resolve) => ws.once('message', resolve));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await greeted;

      const inFlight = fetch(`${t.url}/probe/slow`).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
      await probe.slowStarted;
      let closeDone = false;
      const closing = t.server.close().then(() => (closeDone = true));

      expect(await closed).toBe(1001);
      await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
      expect(closeDone).toBe(false);

      probe.release();
      expect(await inFlight).toEqual({ status: 200, body: { done: true } });
      await closing;
      await expect(sql`select 1`.execute(t.server.context.db)).rejects.toThrow();
      await t.close();
    });
  });

  describe.skipIf(!target.available)(`database versions on ${target.dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.create();
    });
    afterAll(() => database?.dispose());

    const config = () =>
      loadConfig({
        env: {},
        inline: {
          logLevel: 'silent',
          http: { port: 0 },
          dataDir: '/tmp/fleet-versions-test',
          database: database.url,
        },
      });

    it('migrates a new database, then finds nothing to do', async () => {
      const first = await buildServer(config());
      expect(first.migrations.applied).toEqual(Object.keys(fleetMigrations));
      expect(first.migrations.applied.slice(0, 3)).toEqual([
        '0001_staff',
        '0002_routes_and_boxes',
        '0003_audit_log',
      ]);
      await first.close();
      const second = await buildServer(config());
      expect(second.migrations.applied).toEqual([]);
      expect(second.migrations.alreadyApplied).toHaveLength(Object.keys(fleetMigrations).length);
      await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(
        second.context.db,
      );
      await second.close();
    });

    it('refuses to start on a database migrated by a newer release', async () => {
      await expect(buildServer(config())).rejects.toThrow(DatabaseNewerThanCodeError);
      await expect(buildServer(config())).rejects.toThrow(/9999_from_the_future/);
    });
  });
}
