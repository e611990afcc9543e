import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  STAFF_PASSWORD,
  startTestServer,
  type TestServer,
} from '../test-support/server.js';
import { hashPassword } from './passwords.js';
import { hashToken } from './sessions.js';

const MINUTE = 60_000;

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`staff sign-in on ${target.dialect}`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(target, {
        sessions: { lifetimeSeconds: 3600, idleTimeoutSeconds: 600 },
        loginThrottle: { freeAttempts: 3, maxLockSeconds: 60 },
      });
    });
    afterAll(() => t?.close());

    it('signs in, answers /me, and records the login', async () => {
      const login = await t.call('POST', '/api/v1/auth/login', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      });
      expect(login.status).toBe(200);
      const body = login.body as {
        token: string;
        session: { expiresAt: string };
        user: { roles: string[] };
      };
      expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.session.expiresAt).toBe(new Date(t.clock.now() + 3600_000).toISOString());
      expect(body.user.roles).toEqual(['admin']);

      const me = await t.call('GET', '/api/v1/me', { token: body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        user: { username: 'admin', lastLoginAt: new Date(t.clock.now()).toISOString() },
        session: { idleTimeoutSeconds: 600 },
      });
    });

    it('stores only the SHA-256 of the token', async () => {
      const token = await t.login('admin', ADMIN_PASSWORD);
      const rows = await t.server.context.db
        .selectFrom('staff_sessions')
        .select('token_hash')
        .execute();
      expect(rows.map((r) => r.token_hash)).toContain(hashToken(token));
      expect(rows.map((r) => r.token_hash)).not.toContain(token);
    });

    it('compares usernames case-insensitively', async () => {
      const res = await t.call('POST', '/api/v1/auth/login', {
        body: { username: ' ADMIN ', password: ADMIN_PASSWORD },
      });
      expect(res.status).toBe(200);
    });

    it('answers a wrong password, an unknown user and a disabled user alike', async () => {
      const victim = await t.createStaff('disabled.one', ['technician']);
      await t.call('POST', `/api/v1/staff/${victim.id}/disable`, { token: t.adminToken });
      const attempts = [
        { username: 'admin', password: 'not the password' },
        { username: 'nobody.here', password: 'whatever password' },
        { username: 'disabled.one', password: STAFF_PASSWORD },
      ];
      for (const body of attempts) {
        const res = await t.call('POST', '/api/v1/auth/login', { body });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({
          error: { code: 'unauthorized', message: 'wrong username or password' },
        });
      }
      // Clear the failure count this test left on "admin".
      await t.login('admin', ADMIN_PASSWORD);
    });

    it('logs out: the token stops working, other sessions do not', async () => {
      const a = await t.login('admin', ADMIN_PASSWORD);
      const b = await t.login('admin', ADMIN_PASSWORD);
      const out = await t.call('POST', '/api/v1/auth/logout', { token: a });
      expect(out.status).toBe(204);
      expect((await t.call('GET', '/api/v1/me', { token: a })).status).toBe(401);
      expect((await t.call('POST', '/api/v1/auth/logout', { token: a })).status).toBe(401);
      expect((await t.call('GET', '/api/v1/me', { token: b })).status).toBe(200);
    });

    it.each([
      ['no header', undefined],
      ['a bare scheme', 'Bearer'],
      ['another scheme', 'Basic YWRtaW46cGFzcw=='],
      ['two tokens', 'Bearer abc def'],
      ['a well-formed unknown token', `Bearer ${'A'.repeat(43)}`],
      ['a huge token', `Bearer ${'A'.repeat(8000)}`],
    ])('refuses %s with 401 and WWW-Authenticate', async (_name, header) => {
      const res = await t.call('GET', '/api/v1/me', {
        headers: header === undefined ? {} : { authorization: header },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect((res.body as { error: { code: string } }).error.code).toBe('unauthorized');
    });

    it('slows down repeated failures for one username (429 with Retry-After)', async () => {
      await t.createStaff('guessed', ['technician']);
      for (let i = 0; i < 3; i++) {
        const res = await t.call('POST', '/api/v1/auth/login', {
          body: { username: 'guessed', password: `wrong guess ${i}` },
        });
        expect(res.status).toBe(401);
      }
      // Locked now: even the right password is not checked.
      const locked = await t.call('POST', '/api/v1/auth/login', {
        body: { username: 'guessed', password: STAFF_PASSWORD },
      });
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toBe('1');
      expect((locked.body as { error: { code: string } }).error.code).toBe('too_many_requests');
      // Another username is not affected.
      expect(
        (
          await t.call('POST', '/api/v1/auth/login', {
            body: { username: 'admin', password: ADMIN_PASSWORD },
          })
        ).status,
      ).toBe(200);
      t.clock.advance(1000);
      const after = await t.call('POST', '/api/v1/auth/login', {
        body: { username: 'guessed', password: STAFF_PASSWORD },
      });
      expect(after.status).toBe(200);
    });
  });

  describe.skipIf(!target.available)(`staff session expiry on ${target.dialect}`, () => {
    let t: TestServer;
    afterEach(() => t?.close());

    it('ends a session after the idle timeout, and activity moves the deadline', async () => {
      t = await startTestServer(target, {
        sessions: { lifetimeSeconds: 3600, idleTimeoutSeconds: 600 },
      });
      const token = await t.login('admin', ADMIN_PASSWORD);
      for (let i = 0; i < 3; i++) {
        t.clock.advance(9 * MINUTE);
        expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
      }
      t.clock.advance(10 * MINUTE);
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(401);
      // The expired session row was removed when it was found expired.
      const rows = await t.server.context.db.selectFrom('staff_sessions').select('id').execute();
      expect(rows.length).toBe(1); // the admin token made by the test server
    });

    it('ends a session at its lifetime however active it is', async () => {
      t = await startTestServer(target, {
        sessions: { lifetimeSeconds: 1800, idleTimeoutSeconds: 600 },
      });
      const token = await t.login('admin', ADMIN_PASSWORD);
      for (let elapsed = 0; elapsed < 29; elapsed += 5) {
        t.clock.advance(5 * MINUTE);
        const status = (await t.call('GET', '/api/v1/me', { token })).status;
        expect(status).toBe(elapsed + 5 < 30 ? 200 : 401);
      }
      t.clock.advance(MINUTE);
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(401);
    });

    it('re-hashes a password made with a lower cost at the next login', async () => {
      t = await startTestServer(target, { passwords: { scryptLogN: 11 } });
      const db = t.server.context.db;
      await db
        .updateTable('staff_users')
        .set({ password_hash: await hashPassword(ADMIN_PASSWORD, { logN: 10, r: 8, p: 1 }) })
        .where('username', '=', 'admin')
        .execute();
      await t.login('admin', ADMIN_PASSWORD);
      const row = await db
        .selectFrom('staff_users')
        .select('password_hash')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$ln=11,/);
      await t.login('admin', ADMIN_PASSWORD);
    });
  });
}
