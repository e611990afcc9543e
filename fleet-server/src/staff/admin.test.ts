import { testDatabaseTargets } from '@jukebox/db/testing';
import type { AuditListResponse, StaffListResponse, StaffUser } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  STAFF_PASSWORD,
  startTestServer,
  type TestServer,
} from '../test-support/server.js';

const NEW_PASSWORD = 'a brand new password';

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`staff administration on ${target.dialect}`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(target);
    });
    afterAll(() => t?.close());

    const admin = (method: string, path: string, body?: unknown) =>
      t.call(method, path, { token: t.adminToken, body });

    it('creates an account that can sign in with its roles', async () => {
      const res = await admin('POST', '/api/v1/staff', {
        username: 'olga',
        displayName: 'Olga Operator',
        password: STAFF_PASSWORD,
        roles: ['route-operator', 'bookkeeper'],
      });
      expect(res.status).toBe(201);
      const user = res.body as StaffUser;
      expect(user).toMatchObject({
        username: 'olga',
        displayName: 'Olga Operator',
        roles: ['bookkeeper', 'route-operator'],
        status: 'active',
        routeIds: [],
        lastLoginAt: null,
      });
      const token = await t.login('olga', STAFF_PASSWORD);
      const me = await t.call('GET', '/api/v1/me', { token });
      expect((me.body as { user: StaffUser }).user.id).toBe(user.id);

      const list = await admin('GET', '/api/v1/staff');
      expect((list.body as StaffListResponse).users.map((u) => u.username)).toEqual([
        'admin',
        'olga',
      ]);
      expect((await admin('GET', `/api/v1/staff/${user.id}`)).body).toMatchObject({
        username: 'olga',
      });
    });

    it('refuses a taken username (409), a weak password and bad roles (400), changing nothing', async () => {
      const before = ((await admin('GET', '/api/v1/staff')).body as StaffListResponse).users.length;
      const taken = await admin('POST', '/api/v1/staff', {
        username: 'admin',
        password: STAFF_PASSWORD,
        roles: [],
      });
      expect(taken.status).toBe(409);
      expect((taken.body as { error: { code: string } }).error.code).toBe('conflict');

      const weak = await admin('POST', '/api/v1/staff', {
        username: 'weak',
        password: 'short',
        roles: [],
      });
      expect(weak.status).toBe(400);
      expect(weak.body).toMatchObject({
        error: {
          code: 'bad_request',
          fields: [{ path: 'body.password', message: 'a password has at least 12 characters' }],
        },
      });

      const roles = await admin('POST', '/api/v1/staff', {
        username: 'rolesy',
        password: STAFF_PASSWORD,
        roles: ['admin', 'root'],
      });
      expect(roles.status).toBe(400);
      expect((roles.body as { error: { fields: { path: string }[] } }).error.fields[0]!.path).toBe(
        'body.roles.1',
      );

      const after = ((await admin('GET', '/api/v1/staff')).body as StaffListResponse).users.length;
      expect(after).toBe(before);
    });

    it('answers 404 for an account that does not exist', async () => {
      for (const [method, path, body] of [
        ['GET', '/api/v1/staff/9999', undefined],
        ['PUT', '/api/v1/staff/9999/roles', { roles: [] }],
        ['POST', '/api/v1/staff/9999/disable', undefined],
        ['POST', '/api/v1/staff/9999/password', { password: NEW_PASSWORD }],
      ] as const) {
        const res = await admin(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    });

    it('sets roles, and never removes the last active admin', async () => {
      const { id } = await t.createStaff('tess', ['technician']);
      const res = await admin('PUT', `/api/v1/staff/${id}/roles`, {
        roles: ['technician', 'admin'],
      });
      expect((res.body as StaffUser).roles).toEqual(['admin', 'technician']);

      // Two admins: one may lose the role; then the other is the last and may not.
      expect(
        (await admin('PUT', `/api/v1/staff/${id}/roles`, { roles: ['technician'] })).status,
      ).toBe(200);
      const last = await admin('PUT', `/api/v1/staff/${t.adminId}/roles`, {
        roles: ['technician'],
      });
      expect(last.status).toBe(409);
      expect((await admin('GET', `/api/v1/staff/${t.adminId}`)).body).toMatchObject({
        roles: ['admin'],
      });
    });

    it('disables an account, ending its sessions; refuses to disable oneself', async () => {
      const { id, token } = await t.createStaff('dora', ['technician']);
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
      const res = await admin('POST', `/api/v1/staff/${id}/disable`);
      expect(res.status).toBe(200);
      expect((res.body as StaffUser).status).toBe('disabled');
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(401);
      expect(
        (
          await t.call('POST', '/api/v1/auth/login', {
            body: { username: 'dora', password: STAFF_PASSWORD },
          })
        ).status,
      ).toBe(401);

      const self = await admin('POST', `/api/v1/staff/${t.adminId}/disable`);
      expect(self.status).toBe(409);

      expect(((await admin('POST', `/api/v1/staff/${id}/enable`)).body as StaffUser).status).toBe(
        'active',
      );
      await t.login('dora', STAFF_PASSWORD);
    });

    it('resets a password, ending the sessions made with the old one', async () => {
      const { id, token } = await t.createStaff('rita', ['bookkeeper']);
      const weak = await admin('POST', `/api/v1/staff/${id}/password`, { password: 'too short' });
      expect(weak.status).toBe(400);
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);

      expect(
        (await admin('POST', `/api/v1/staff/${id}/password`, { password: NEW_PASSWORD })).status,
      ).toBe(200);
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(401);
      expect(
        (
          await t.call('POST', '/api/v1/auth/login', {
            body: { username: 'rita', password: STAFF_PASSWORD },
          })
        ).status,
      ).toBe(401);
      await t.login('rita', NEW_PASSWORD);
    });

    it('lets a user change their own password with the current one', async () => {
      const { token } = await t.createStaff('carl', ['catalog-manager']);
      const other = await t.login('carl', STAFF_PASSWORD);
      const wrong = await t.call('POST', '/api/v1/me/password', {
        token,
        body: { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
      });
      expect(wrong.status).toBe(403);
      const weak = await t.call('POST', '/api/v1/me/password', {
        token,
        body: { currentPassword: STAFF_PASSWORD, newPassword: 'short' },
      });
      expect(weak.status).toBe(400);
      const ok = await t.call('POST', '/api/v1/me/password', {
        token,
        body: { currentPassword: STAFF_PASSWORD, newPassword: NEW_PASSWORD },
      });
      expect(ok.status).toBe(204);
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
      expect((await t.call('GET', '/api/v1/me', { token: other })).status).toBe(401);
      await t.login('carl', NEW_PASSWORD);
    });

    it('records every change in the audit log, newest first, in pages', async () => {
      const page = await admin('GET', '/api/v1/audit?limit=3');
      expect(page.status).toBe(200);
      const body = page.body as AuditListResponse;
      expect(body.entries).toHaveLength(3);
      expect(body.nextBefore).toBe(body.entries[2]!.id);
      const all = ((await admin('GET', '/api/v1/audit?limit=500')).body as AuditListResponse)
        .entries;
      const actions = all.map((e) => e.action);
      for (const action of [
        'staff.create',
        'staff.set-roles',
        'staff.disable',
        'staff.enable',
        'staff.reset-password',
        'staff.change-own-password',
        'session.login',
      ]) {
        expect(actions).toContain(action);
      }
      const roleChange = all.find((e) => e.action === 'staff.set-roles')!;
      expect(roleChange).toMatchObject({ actorUsername: 'admin', targetType: 'staff' });
      expect(JSON.stringify(all)).not.toContain(NEW_PASSWORD);
      expect(JSON.stringify(all)).not.toContain(ADMIN_PASSWORD);
      const next = await admin('GET', `/api/v1/audit?limit=3&before=${body.nextBefore}`);
      expect((next.body as AuditListResponse).entries[0]!.id).toBeLessThan(body.nextBefore!);
    });
  });
}
