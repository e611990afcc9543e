import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FleetModule } from '../context.js';
import { errorResponses } from '../errors.js';
import type { OpenApiDocument } from '../test-support/openapi.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { BOX_SIGNATURE_SCHEME } from './openapi-scheme.js';
import { enrollFakeBox, FakeBox } from './test-support/fake-box.js';

/** Probe routes guarded like the content side's box routes, echoing what boxOf() saw. */
const probeModule: FleetModule = {
  name: 'box-auth-probe',
  register(app, ctx) {
    const guard = ctx.link.boxAuth;
    const echo = z.object({
      id: z.string(),
      signingPublicKey: z.string(),
      agreementPublicKey: z.string(),
      body: z.unknown(),
    });
    app.get(
      '/probe/box',
      { ...guard.hooks, schema: { ...guard.schema, response: { 200: echo, ...errorResponses } } },
      async (request) => ({ ...ctx.link.boxOf(request), body: null }),
    );
    app.post(
      '/probe/box',
      {
        ...guard.hooks,
        schema: {
          ...guard.schema,
          body: z.strictObject({ n: z.number() }),
          response: { 200: echo, ...errorResponses },
        },
      },
      async (request) => ({ ...ctx.link.boxOf(request), body: request.body }),
    );
  },
};

const FIVE_MINUTES = 5 * 60_000;

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`box request authentication on ${target.dialect}`, () => {
    let t: TestServer;
    let box: FakeBox;
    let other: FakeBox;

    beforeAll(async () => {
      t = await startTestServer(target, {}, { extraModules: [probeModule] });
      box = await enrollFakeBox(t);
      other = await enrollFakeBox(t);
    });
    afterAll(() => t?.close());

    const codeOf = (body: unknown) => (body as { error: { code: string } }).error.code;

    it('admits a signed request and tells the route which box sent it', async () => {
      const res = await box.request('GET', '/probe/box?x=1&y=%20');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        id: box.id,
        signingPublicKey: box.signingPublicKey,
        agreementPublicKey: box.agreementPublicKey,
        body: null,
      });
      const posted = await box.request('POST', '/probe/box', { body: { n: 7 } });
      expect(posted.status, JSON.stringify(posted.body)).toBe(200);
      expect(posted.body).toMatchObject({ id: box.id, body: { n: 7 } });
      // Timestamps up to five minutes off either way are fine.
      for (const skew of [-FIVE_MINUTES, FIVE_MINUTES]) {
        const res = await box.request('GET', '/probe/box', { now: t.clock.now() + skew });
        expect(res.status).toBe(200);
      }
    });

    it('refuses missing and malformed headers (401)', async () => {
      expect((await t.call('GET', '/probe/box')).status).toBe(401);
      const h = box.signedHeaders('GET', '/probe/box');
      const cases: Record<string, string>[] = [
        { 'x-box-id': h['x-box-id']!, 'x-box-timestamp': h['x-box-timestamp']! },
        { ...h, 'x-box-id': 'bad id' },
        { ...h, 'x-box-timestamp': '12.5' },
        { ...h, 'x-box-signature': 'not-base64url!' },
        { ...h, 'x-box-signature': 'AAAA' },
      ];
      for (const headers of cases) {
        const res = await t.call('GET', '/probe/box', { headers });
        expect(res.status, JSON.stringify(headers)).toBe(401);
        expect(codeOf(res.body)).toBe('unauthorized');
      }
    });

    it('refuses a bad signature: another path, another body, another key, a changed query (401)', async () => {
      const signedForOther = box.signedHeaders('GET', '/probe/other');
      expect((await t.call('GET', '/probe/box', { headers: signedForOther })).status).toBe(401);
      const query = box.signedHeaders('GET', '/probe/box?a=1');
      expect((await t.call('GET', '/probe/box?a=2', { headers: query })).status).toBe(401);
      const body = box.signedHeaders('POST', '/probe/box', JSON.stringify({ n: 1 }));
      const changed = await t.call('POST', '/probe/box', { headers: body, body: { n: 2 } });
      expect(changed.status).toBe(401);
      // Box A's id with a signature by box B's key.
      const forged = { ...other.signedHeaders('GET', '/probe/box'), 'x-box-id': box.id };
      expect((await t.call('GET', '/probe/box', { headers: forged })).status).toBe(401);
      // A method other than the one signed.
      const asGet = box.signedHeaders('GET', '/probe/box');
      expect((await t.call('POST', '/probe/box', { headers: asGet, body: { n: 1 } })).status).toBe(
        401,
      );
    });

    it('refuses timestamps more than five minutes off (401)', async () => {
      for (const skew of [-FIVE_MINUTES - 1, FIVE_MINUTES + 1]) {
        const res = await box.request('GET', '/probe/box', { now: t.clock.now() + skew });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ error: { message: /5 minutes/ } });
        const post = await box.request('POST', '/probe/box', {
          body: { n: 1 },
          now: t.clock.now() + skew,
        });
        expect(post.status).toBe(401);
      }
    });

    it('refuses an unknown box (401), whatever the signature', async () => {
      const stranger = new FakeBox({ baseUrl: t.url, now: () => t.clock.now() });
      stranger.boxId = 'box-00000000000000000000';
      const res = await stranger.request('GET', '/probe/box');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { message: 'unknown box' } });
    });

    it('authenticates before reading the body: the anonymous get 401 for any body', async () => {
      const res = await t.call('POST', '/probe/box', { body: '{not json' });
      expect(res.status).toBe(401);
      // A signed request with a malformed body gets its validation error.
      const bad = await box.request('POST', '/probe/box', { body: { n: 'x' } });
      expect(bad.status).toBe(400);
    });

    it('answers a revoked box 403 revoked, and only once its signature verified', async () => {
      const doomed = await enrollFakeBox(t);
      expect((await doomed.request('GET', '/probe/box')).status).toBe(200);
      const revoke = await t.call('POST', `/api/v1/boxes/${doomed.id}/revoke`, {
        token: t.adminToken,
      });
      expect(revoke.status).toBe(200);
      expect(revoke.body).toMatchObject({ id: doomed.id, status: 'revoked' });
      const res = await doomed.request('GET', '/probe/box');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: { code: 'revoked', message: 'this box has been revoked' },
      });
      const post = await doomed.request('POST', '/probe/box', { body: { n: 1 } });
      expect(post.status).toBe(403);
      // Someone else using its id learns nothing: a bad signature is a bad signature.
      const forged = { ...other.signedHeaders('GET', '/probe/box'), 'x-box-id': doomed.id };
      expect((await t.call('GET', '/probe/box', { headers: forged })).status).toBe(401);
      // Revoking again changes nothing.
      const again = await t.call('POST', `/api/v1/boxes/${doomed.id}/revoke`, {
        token: t.adminToken,
      });
      expect(again.status).toBe(200);
    });

    it('declares the box-signature scheme in /openapi.json for box routes', async () => {
      const doc = (await t.call('GET', '/openapi.json')).body as OpenApiDocument & {
        components: { securitySchemes: Record<string, { type: string; name?: string }> };
      };
      expect(doc.components.securitySchemes[BOX_SIGNATURE_SCHEME]).toMatchObject({
        type: 'apiKey',
        name: 'x-box-id',
      });
      expect(doc.paths['/api/v1/box/telemetry']?.post?.security).toEqual([
        { [BOX_SIGNATURE_SCHEME]: [] },
      ]);
      expect(doc.paths['/probe/box']?.get?.security).toEqual([{ [BOX_SIGNATURE_SCHEME]: [] }]);
      expect(doc.paths['/api/v1/enroll']?.post?.security).toEqual([]);
      // The WebSocket route stays out of the document.
      expect(doc.paths['/api/v1/box/ws']).toBeUndefined();
    });
  });
}
