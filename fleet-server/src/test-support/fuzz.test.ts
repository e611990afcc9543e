import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { publicRoute } from '../auth/staff-auth.js';
import type { FleetModule } from '../context.js';
import { errorResponses } from '../errors.js';
import { runFuzz, type FuzzReport } from './fuzz.js';
import type { OpenApiDocument } from './openapi.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './server.js';

/**
 * The harness must catch what it is there to catch. These probe routes, added as a module the
 * way later features are, each break one rule; a run must report each of them, and nothing
 * about the healthy routes.
 */
const brokenModule: FleetModule = {
  name: 'broken-probes',
  register(app, ctx) {
    const admin = ctx.auth.requireRole('admin');
    // Crashes (500) on a perfectly valid-looking body.
    app.post(
      '/probe/crash',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          body: z.strictObject({ name: z.string() }),
          response: { 200: z.object({ ok: z.boolean() }), ...errorResponses },
        },
      },
      async (request) => {
        if (request.body.name !== 'sample-value') throw new Error('boom');
        return { ok: true };
      },
    );
    // Claims to need a session but has no guard.
    app.get(
      '/probe/unguarded',
      {
        schema: {
          ...admin.schema,
          response: { 200: z.object({ secret: z.string() }), ...errorResponses },
        },
      },
      async () => ({ secret: 'leaked' }),
    );
    // States no security at all.
    app.get(
      '/probe/undeclared',
      { schema: { response: { 200: z.object({ ok: z.boolean() }), ...errorResponses } } },
      async () => ({ ok: true }),
    );
    // Healthy public probe: must produce no failure.
    app.get(
      '/probe/fine',
      {
        schema: {
          ...publicRoute,
          querystring: z.strictObject({ n: z.coerce.number().int().optional() }),
          response: { 200: z.object({ n: z.number().nullable() }), ...errorResponses },
        },
      },
      async (request) => ({ n: request.query.n ?? null }),
    );
  },
};

const sqlite = testDatabaseTargets()[0]!;

describe('the robustness harness', () => {
  let t: TestServer;
  let report: FuzzReport;
  beforeAll(async () => {
    t = await startTestServer(sqlite, {}, { extraModules: [brokenModule] });
    const doc = (await t.call('GET', '/openapi.json')).body as OpenApiDocument;
    report = await runFuzz(doc, {
      baseUrl: t.url,
      bodyLimitBytes: t.server.context.config.http.bodyLimitBytes,
      seed: 7,
      credentials: async () => ({
        authorization: `Bearer ${await t.login('admin', ADMIN_PASSWORD)}`,
      }),
    });
  }, 180_000);
  afterAll(() => t?.close());

  const failuresOf = (operation: string) =>
    report.failures.filter((f) => f.case.operation === operation);

  it('picks up routes added by a module, from /openapi.json alone', () => {
    expect(report.operations).toBeGreaterThanOrEqual(20);
  });

  it('reports a 5xx', () => {
    expect(failuresOf('POST /probe/crash').some((f) => f.status === 500)).toBe(true);
  });

  it('reports a route that declares security but lets the anonymous in', () => {
    const names = failuresOf('GET /probe/unguarded').map((f) => f.case.name);
    expect(names).toContain('no credentials');
    expect(names).toContain('wrong bearer token');
  });

  it('reports a route that does not state its security', () => {
    expect(failuresOf('GET /probe/undeclared').map((f) => f.case.name)).toContain(
      'declares security',
    );
  });

  it('reports nothing about healthy routes', () => {
    const healthy = report.failures.filter(
      (f) =>
        !f.case.operation.includes('/probe/crash') &&
        !f.case.operation.includes('/probe/unguarded') &&
        !f.case.operation.includes('/probe/undeclared'),
    );
    expect(healthy).toEqual([]);
  });
});
