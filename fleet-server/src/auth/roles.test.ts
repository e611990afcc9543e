import { testDatabaseTargets } from '@jukebox/db/testing';
import { staffRoles, type StaffRole } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  operations,
  plausiblePath,
  type OpenApiDocument,
  type Operation,
} from '../test-support/openapi.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { STAFF_SESSION_SCHEME } from './staff-auth.js';

/** The roles a guarded operation admits, read back from the description its guard wrote. */
function rolesOf(operation: Operation): StaffRole[] | 'any' | undefined {
  const d = operation.op.description ?? '';
  if (d.includes('Any signed-in staff member.')) return 'any';
  const m = /Roles: ([a-z-, ]+)\./.exec(d);
  return m ? (m[1]!.split(', ') as StaffRole[]) : undefined;
}

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`roles on every guarded endpoint on ${target.dialect}`, () => {
    let t: TestServer;
    let guarded: Operation[];
    const tokens = new Map<StaffRole, string>();

    beforeAll(async () => {
      t = await startTestServer(target);
      const doc = (await t.call('GET', '/openapi.json')).body as OpenApiDocument;
      // Staff-session routes only: box-signed routes have no roles (box-link tests cover them).
      guarded = operations(doc).filter((o) =>
        (o.op.security ?? []).some((s) => STAFF_SESSION_SCHEME in s),
      );
      for (const role of staffRoles) {
        tokens.set(role, (await t.createStaff(`only.${role}`, [role])).token);
      }
    });
    afterAll(() => t?.close());

    it('finds the admin endpoints, each stating its roles', () => {
      const admin = guarded.filter((o) => {
        const roles = rolesOf(o);
        return Array.isArray(roles) && roles.length === 1 && roles[0] === 'admin';
      });
      // Staff management, routes, box assignment and the audit log at least.
      expect(admin.length).toBeGreaterThanOrEqual(12);
      for (const o of guarded) expect(rolesOf(o), `${o.method} ${o.path}`).toBeDefined();
    });

    it('refuses every role not listed (403) and admits every role listed', async () => {
      const checked: string[] = [];
      for (const o of guarded) {
        const roles = rolesOf(o);
        if (roles === undefined || roles === 'any') continue;
        const path = plausiblePath(o);
        const body = o.op.requestBody ? {} : undefined;
        for (const role of staffRoles) {
          const res = await t.call(o.method, path, { token: tokens.get(role)!, body });
          const label = `${role} -> ${o.method} ${o.path}: ${JSON.stringify(res.body)}`;
          if (roles.includes(role)) {
            expect([401, 403], label).not.toContain(res.status);
          } else {
            expect(res.status, label).toBe(403);
            expect((res.body as { error: { code: string } }).error.code).toBe('forbidden');
          }
        }
        checked.push(`${o.method} ${o.path}`);
      }
      expect(checked.length).toBeGreaterThan(0);
    });

    it('refuses a staff member with no role at all on every role-restricted endpoint', async () => {
      const { token } = await t.createStaff('no.roles', []);
      // ("Any signed-in staff" operations are left out: one of them is logout.)
      for (const o of guarded.filter((g) => rolesOf(g) !== 'any')) {
        const res = await t.call(o.method, plausiblePath(o), {
          token,
          body: o.op.requestBody ? {} : undefined,
        });
        expect(res.status, `${o.method} ${o.path}`).toBe(403);
      }
      expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
    });
  });
}
