import { testDatabaseTargets } from '@jukebox/db/testing';
import { verify } from '@jukebox/crypto';
import type { AuditListResponse, FleetBoxListResponse, FleetRoute } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { EnrollmentCodeCreated, EnrollmentCodeListResponse } from './api-schemas.js';
import { CODE_ALPHABET } from './enrollment-code.js';
import { FakeBox } from './test-support/fake-box.js';

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`enrollment on ${target.dialect}`, () => {
    let t: TestServer;
    let route: FleetRoute;

    const newCode = async (body: Record<string, unknown> = {}, token = t.adminToken) => {
      const res = await t.call('POST', '/api/v1/enrollment-codes', { token, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as EnrollmentCodeCreated;
    };
    const newBox = () => new FakeBox({ baseUrl: t.url, now: () => t.clock.now() });
    const boxCount = async () =>
      ((await t.call('GET', '/api/v1/boxes', { token: t.adminToken })).body as FleetBoxListResponse)
        .boxes.length;

    beforeAll(async () => {
      // Sessions outlive the clock moves of the expiry test.
      t = await startTestServer(target, {
        sessions: { idleTimeoutSeconds: 7 * 86400, lifetimeSeconds: 7 * 86400 },
      });
      route = (
        await t.call('POST', '/api/v1/routes', { token: t.adminToken, body: { name: 'Harbour' } })
      ).body as FleetRoute;
    });
    afterAll(() => t?.close());

    it('makes codes from an unambiguous alphabet, shown once and stored only as a hash', async () => {
      const tech = await t.createStaff('tech.codes', ['technician']);
      const made = await newCode({ name: 'Rusty Anchor', routeId: route.id }, tech.token);
      expect(made.code).toMatch(new RegExp(`^([${CODE_ALPHABET}]{4}-){2}[${CODE_ALPHABET}]{4}$`));
      expect(Date.parse(made.expiresAt) - t.clock.now()).toBe(72 * 3600_000);
      expect(made).toMatchObject({ name: 'Rusty Anchor', routeId: route.id, routeName: 'Harbour' });
      const listed = await t.call('GET', '/api/v1/enrollment-codes', { token: tech.token });
      const codes = (listed.body as EnrollmentCodeListResponse).codes;
      expect(codes.map((c) => c.id)).toContain(made.id);
      expect(JSON.stringify(listed.body)).not.toContain(made.code);
      const stored = await t.server.context.db.selectFrom('enrollment_codes').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(made.code);
      expect(JSON.stringify(stored)).not.toContain(made.code.replace(/-/g, ''));
      const audit = (await t.call('GET', '/api/v1/audit?limit=5', { token: t.adminToken }))
        .body as AuditListResponse;
      const entry = audit.entries.find((e) => e.action === 'enrollment-code.create');
      expect(entry?.targetId).toBe(String(made.id));
      expect(JSON.stringify(audit)).not.toContain(made.code);
      const short = await newCode({ expiresInHours: 1 });
      expect(Date.parse(short.expiresAt) - t.clock.now()).toBe(3600_000);
    });

    it('enrolls a box with a real identity: box row, keys, route, pinned server key', async () => {
      const made = await newCode({ name: 'Mill Tavern', routeId: route.id });
      const box = newBox();
      const answer = await box.enroll(made.code.toLowerCase());
      expect(answer.boxId).toMatch(/^box-[0-9a-f]{20}$/);
      const key = await t.server.context.link.serverSigningKey();
      expect(answer.serverSigningPublicKey).toBe(key.publicKey);
      // The pinned key verifies what the server signs.
      const { sign } = await import('@jukebox/crypto');
      expect(verify(answer.serverSigningPublicKey, 'x', sign(key.privateKey, 'x'))).toBe(true);
      const boxes = (
        (await t.call('GET', '/api/v1/boxes', { token: t.adminToken })).body as FleetBoxListResponse
      ).boxes;
      expect(boxes.find((b) => b.id === answer.boxId)).toMatchObject({
        name: 'Mill Tavern',
        routeId: route.id,
        status: 'active',
      });
      const keys = await t.server.context.db
        .selectFrom('box_keys')
        .selectAll()
        .where('box_id', '=', answer.boxId)
        .executeTakeFirstOrThrow();
      expect(keys.signing_public_key).toBe(box.signingPublicKey);
      expect(keys.agreement_public_key).toBe(box.agreementPublicKey);
      // The code is spent: no longer listed.
      const codes = (
        (await t.call('GET', '/api/v1/enrollment-codes', { token: t.adminToken }))
          .body as EnrollmentCodeListResponse
      ).codes;
      expect(codes.map((c) => c.id)).not.toContain(made.id);
      const audit = (await t.call('GET', '/api/v1/audit?limit=5', { token: t.adminToken }))
        .body as AuditListResponse;
      expect(audit.entries.find((e) => e.action === 'box.enroll')?.targetId).toBe(answer.boxId);
    });

    it('names the box as it calls itself when the code carries no name', async () => {
      const made = await newCode();
      const box = new FakeBox({
        baseUrl: t.url,
        now: () => t.clock.now(),
        info: { name: 'Back bar', softwareVersion: '2.0.0' },
      });
      const { boxId } = await box.enroll(made.code);
      const boxes = (
        (await t.call('GET', '/api/v1/boxes', { token: t.adminToken })).body as FleetBoxListResponse
      ).boxes;
      expect(boxes.find((b) => b.id === boxId)).toMatchObject({ name: 'Back bar', routeId: null });
    });

    it('refuses a bad proof (401), changing nothing', async () => {
      const made = await newCode();
      const box = newBox();
      const before = await boxCount();
      const body = box.enrollmentRequest(made.code);
      // Signed by another key than the one registered.
      const other = newBox();
      const forged = {
        ...other.enrollmentRequest(made.code),
        signingPublicKey: box.signingPublicKey,
      };
      expect((await box.postEnrollment(forged)).status).toBe(401);
      // A signed field changed after signing.
      const tampered = { ...body, info: { ...body.info, name: 'Someone else' } };
      expect((await box.postEnrollment(tampered)).status).toBe(401);
      expect(await boxCount()).toBe(before);
      // The code is still good.
      await box.enroll(made.code);
    });

    it('refuses unknown, reused, expired and revoked codes alike (403), changing nothing', async () => {
      const refused = async (code: string) => {
        const res = await newBox().postEnrollment(newBox().enrollmentRequest(code));
        return res;
      };
      const answers = [];
      answers.push(await refused('ZZZZ-ZZZZ-ZZZZ'));

      const used = await newCode();
      await newBox().enroll(used.code);
      const box = newBox();
      answers.push(await box.postEnrollment(box.enrollmentRequest(used.code)));

      const expiring = await newCode({ expiresInHours: 1 });
      t.clock.advance(3600_000);
      const late = newBox();
      answers.push(await late.postEnrollment(late.enrollmentRequest(expiring.code)));

      const withdrawn = await newCode();
      const revoke = await t.call('POST', `/api/v1/enrollment-codes/${withdrawn.id}/revoke`, {
        token: t.adminToken,
      });
      expect(revoke.status).toBe(200);
      const shy = newBox();
      answers.push(await shy.postEnrollment(shy.enrollmentRequest(withdrawn.code)));

      const before = await boxCount();
      for (const res of answers) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual({
          error: {
            code: 'enrollment_refused',
            message: 'this enrollment code is not valid: ask for a new one',
          },
        });
      }
      expect(await boxCount()).toBe(before);
    });

    it('refuses a signing key enrolled already (409) and leaves the new code usable', async () => {
      const box = newBox();
      await box.enroll((await newCode()).code);
      const second = await newCode();
      const res = await box.postEnrollment(box.enrollmentRequest(second.code));
      expect(res.status).toBe(409);
      expect((res.body as { error: { code: string } }).error.code).toBe('conflict');
      await newBox().enroll(second.code);
    });

    it('lets one of two boxes racing with one code win', async () => {
      const made = await newCode();
      const [a, b] = [newBox(), newBox()];
      const results = await Promise.all([
        a.postEnrollment(a.enrollmentRequest(made.code)),
        b.postEnrollment(b.enrollmentRequest(made.code)),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    });

    it('refuses malformed enrollment bodies (400), changing nothing', async () => {
      const made = await newCode();
      const box = newBox();
      const good = box.enrollmentRequest(made.code);
      const before = await boxCount();
      for (const body of [
        '{',
        '[]',
        {},
        { ...good, extra: 1 },
        { ...good, code: 'a b' },
        { ...good, signingPublicKey: 'short' },
        { ...good, agreementPublicKey: undefined },
        { ...good, proof: 'x' },
        { ...good, info: { softwareVersion: '' } },
      ]) {
        const res = await box.postEnrollment(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      expect(await boxCount()).toBe(before);
      await box.enroll(made.code);
    });

    it('checks code requests: roles, bounds, unknown route', async () => {
      const ops = await t.createStaff('ops.codes', ['route-operator']);
      expect(
        (await t.call('POST', '/api/v1/enrollment-codes', { token: ops.token, body: {} })).status,
      ).toBe(403);
      expect((await t.call('POST', '/api/v1/enrollment-codes', { body: {} })).status).toBe(401);
      for (const body of [
        { expiresInHours: 0 },
        { expiresInHours: 721 },
        { expiresInHours: 1.5 },
        { name: '' },
        { name: 'a\nb' },
        { routeId: 'x' },
        { other: 1 },
      ]) {
        const res = await t.call('POST', '/api/v1/enrollment-codes', { token: t.adminToken, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      const res = await t.call('POST', '/api/v1/enrollment-codes', {
        token: t.adminToken,
        body: { routeId: 9999 },
      });
      expect(res.status).toBe(404);
      expect(
        (await t.call('POST', '/api/v1/enrollment-codes/9999/revoke', { token: t.adminToken }))
          .status,
      ).toBe(404);
    });

    it('generates the server key once and keeps it across restarts of the service', async () => {
      const first = await t.server.context.link.serverSigningKey();
      const rows = await t.server.context.db.selectFrom('server_keys').selectAll().execute();
      expect(rows).toHaveLength(1);
      const { ServerKeyStore } = await import('./server-keys.js');
      const again = await new ServerKeyStore(t.server.context.db, t.clock, () =>
        t.server.context.content.sealer(),
      ).signingKey();
      expect(again.publicKey).toBe(first.publicKey);
    });
  });
}
