import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from './test-support/fuzz.js';
import { operations, type OpenApiDocument } from './test-support/openapi.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './test-support/server.js';

// The generic robustness run over every operation in /openapi.json (see test-support/fuzz.ts).
// It signs in as an admin afresh for each operation, so malformed input reaches validation
// (and a logout case cannot end the session the next operation uses).
for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`robustness of every endpoint on ${target.dialect}`, () => {
    let t: TestServer;
    let doc: OpenApiDocument;
    beforeAll(async () => {
      t = await startTestServer(target, { loginThrottle: { freeAttempts: 100 } });
      doc = (await t.call('GET', '/openapi.json')).body as OpenApiDocument;
    });
    afterAll(() => t?.close());

    it('describes every route in /openapi.json', () => {
      const ids = operations(doc).map((o) => `${o.method} ${o.path}`);
      for (const id of [
        'POST /api/v1/auth/login',
        'GET /api/v1/me',
        'GET /api/v1/boxes',
        'GET /healthz',
        'GET /metrics',
        'GET /orders/{trackingNumber}',
        'GET /api/v1/public/orders/{trackingNumber}',
        'GET /api/v1/retail/orders',
        'GET /api/v1/retail/orders/{trackingNumber}',
      ]) {
        expect(ids).toContain(id);
      }
    });

    it('never answers 5xx, refuses the anonymous, and rejects malformed input with 4xx', async () => {
      const report = await runFuzz(doc, {
        baseUrl: t.url,
        bodyLimitBytes: t.server.context.config.http.bodyLimitBytes,
        seed: 20260115,
        credentials: async () => ({
          authorization: `Bearer ${await t.login('admin', ADMIN_PASSWORD)}`,
        }),
      });
      const summary = report.failures
        .slice(0, 20)
        .map(
          (f) =>
            `${f.case.operation} [${f.case.name}] expected ${f.case.expect}, got ${f.status}: ${f.response}`,
        )
        .join('\n');
      expect(report.failures, summary).toEqual([]);
      expect(report.operations).toBeGreaterThanOrEqual(15);
      expect(report.cases).toBeGreaterThan(500);
    }, 180_000);
  });
}
