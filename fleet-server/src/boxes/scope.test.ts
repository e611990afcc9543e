import { testDatabaseTargets } from '@jukebox/db/testing';
import type { FleetBoxListResponse, FleetRoute, FleetRouteListResponse } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`route scoping on ${target.dialect}`, () => {
    let t: TestServer;
    let north: FleetRoute;
    let south: FleetRoute;
    let olga: { id: number; token: string };
    let tech: { id: number; token: string };

    const boxNames = async (token: string) => {
      const res = await t.call('GET', '/api/v1/boxes', { token });
      expect(res.status).toBe(200);
      return (res.body as FleetBoxListResponse).boxes.map((b) => b.name);
    };
    const routeNames = async (token: string) =>
      (
        (await t.call('GET', '/api/v1/routes', { token })).body as FleetRouteListResponse
      ).routes.map((r) => r.name);

    beforeAll(async () => {
      t = await startTestServer(target);
      const create = async (name: string) =>
        (
          await t.call('POST', '/api/v1/routes', {
            token: t.adminToken,
            body: { name, description: `${name} bars` },
          })
        ).body as FleetRoute;
      north = await create('North');
      south = await create('South');
      const boxes = t.server.context.boxes;
      await boxes.create({ id: 'box-n1', name: 'N1 Harbour Inn', routeId: north.id }, null);
      await boxes.create({ id: 'box-n2', name: 'N2 Mill Tavern', routeId: north.id }, null);
      await boxes.create({ id: 'box-s1', name: 'S1 Station Bar', routeId: south.id }, null);
      await boxes.create({ id: 'box-x1', name: 'X1 Workshop' }, null);
      olga = await t.createStaff('olga', ['route-operator']);
      tech = await t.createStaff('tech', ['technician']);
      const assigned = await t.call('PUT', `/api/v1/routes/${north.id}/staff/${olga.id}`, {
        token: t.adminToken,
      });
      expect(assigned.status).toBe(200);
      expect((assigned.body as FleetRoute).staffIds).toEqual([olga.id]);
    });
    afterAll(() => t?.close());

    it('shows a route operator only the boxes and routes they work', async () => {
      expect(await boxNames(olga.token)).toEqual(['N1 Harbour Inn', 'N2 Mill Tavern']);
      expect(await routeNames(olga.token)).toEqual(['North']);
      expect(
        (await t.call('GET', `/api/v1/routes/${north.id}`, { token: olga.token })).status,
      ).toBe(200);
      // Another route is "not found", not "forbidden": its existence is not revealed.
      expect(
        (await t.call('GET', `/api/v1/routes/${south.id}`, { token: olga.token })).status,
      ).toBe(404);
    });

    it('shows admins and technicians every box, with route names and counts', async () => {
      const all = ['N1 Harbour Inn', 'N2 Mill Tavern', 'S1 Station Bar', 'X1 Workshop'];
      expect(await boxNames(t.adminToken)).toEqual(all);
      expect(await boxNames(tech.token)).toEqual(all);
      const res = await t.call('GET', '/api/v1/boxes', { token: tech.token });
      expect((res.body as FleetBoxListResponse).boxes[0]).toMatchObject({
        id: 'box-n1',
        routeId: north.id,
        routeName: 'North',
        status: 'active',
      });
      const routes = (
        (await t.call('GET', '/api/v1/routes', { token: tech.token }))
          .body as FleetRouteListResponse
      ).routes;
      expect(routes.map((r) => [r.name, r.boxCount])).toEqual([
        ['North', 2],
        ['South', 1],
      ]);
    });

    it('shows a route operator without routes nothing, and other roles are refused', async () => {
      const idle = await t.createStaff('idle.op', ['route-operator']);
      expect(await boxNames(idle.token)).toEqual([]);
      expect(await routeNames(idle.token)).toEqual([]);
      const books = await t.createStaff('books', ['bookkeeper']);
      expect((await t.call('GET', '/api/v1/boxes', { token: books.token })).status).toBe(403);
    });

    it('follows assignments as they change', async () => {
      const admin = { token: t.adminToken };
      // Move S1 onto North: Olga sees it.
      const moved = await t.call('PUT', '/api/v1/boxes/box-s1/route', {
        ...admin,
        body: { routeId: north.id },
      });
      expect(moved.status).toBe(200);
      expect(await boxNames(olga.token)).toContain('S1 Station Bar');
      // Take it off any route: nobody but admins and technicians sees it.
      await t.call('PUT', '/api/v1/boxes/box-s1/route', { ...admin, body: { routeId: null } });
      expect(await boxNames(olga.token)).not.toContain('S1 Station Bar');
      await t.call('PUT', '/api/v1/boxes/box-s1/route', { ...admin, body: { routeId: south.id } });
      // Assign Olga to South too, then take her off North.
      expect(
        (await t.call('PUT', `/api/v1/routes/${south.id}/staff/${olga.id}`, admin)).status,
      ).toBe(200);
      expect(
        (await t.call('PUT', `/api/v1/routes/${south.id}/staff/${olga.id}`, admin)).status,
      ).toBe(200);
      expect(await boxNames(olga.token)).toEqual([
        'N1 Harbour Inn',
        'N2 Mill Tavern',
        'S1 Station Bar',
      ]);
      expect(
        (await t.call('DELETE', `/api/v1/routes/${north.id}/staff/${olga.id}`, admin)).status,
      ).toBe(200);
      expect(await boxNames(olga.token)).toEqual(['S1 Station Bar']);
      const me = await t.call('GET', '/api/v1/me', { token: olga.token });
      expect((me.body as { user: { routeIds: number[] } }).user.routeIds).toEqual([south.id]);
      // Restore for the other tests.
      await t.call('PUT', `/api/v1/routes/${north.id}/staff/${olga.id}`, admin);
      await t.call('DELETE', `/api/v1/routes/${south.id}/staff/${olga.id}`, admin);
    });

    it('answers 404/409/400 for missing, duplicate and malformed things, changing nothing', async () => {
      const admin = { token: t.adminToken };
      const cases: [string, string, unknown, number][] = [
        ['PUT', '/api/v1/boxes/box-none/route', { routeId: north.id }, 404],
        ['PUT', '/api/v1/boxes/box-n1/route', { routeId: 9999 }, 404],
        ['PUT', '/api/v1/boxes/box-n1/route', { routeId: '1' }, 400],
        ['PUT', '/api/v1/boxes/bad%20id/route', { routeId: null }, 400],
        ['PUT', `/api/v1/routes/9999/staff/${olga.id}`, undefined, 404],
        ['PUT', `/api/v1/routes/${north.id}/staff/9999`, undefined, 404],
        ['DELETE', `/api/v1/routes/${south.id}/staff/${tech.id}`, undefined, 404],
        ['POST', '/api/v1/routes', { name: 'North' }, 409],
        ['POST', '/api/v1/routes', { name: '   ' }, 400],
        ['GET', '/api/v1/routes/0', undefined, 400],
      ];
      for (const [method, path, body, status] of cases) {
        const res = await t.call(method, path, { ...admin, body });
        expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBe(status);
      }
      expect(await boxNames(olga.token)).toEqual(['N1 Harbour Inn', 'N2 Mill Tavern']);
      expect(await routeNames(t.adminToken)).toEqual(['North', 'South']);
    });
  });
}
