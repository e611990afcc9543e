import { testDatabaseTargets } from '@jukebox/db/testing';
import type { AuditListResponse, FleetRoute } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollFakeBox, type FakeBox } from '../box-link/test-support/fake-box.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { RetailOrderDetail, RetailOrderList } from './api-schemas.js';
import { burnEvent, CUSTOMER, orderRecord } from './test-support/records.js';

type Staff = { id: number; token: string };

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`staff order views on ${target.dialect}`, () => {
    let t: TestServer;
    let north: FakeBox;
    let south: FakeBox;
    let olga: Staff;
    let books: Staff;

    const list = async (query: string, token: string) => {
      const res = await t.call('GET', `/api/v1/retail/orders${query}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as RetailOrderList;
    };
    const numbers = (l: RetailOrderList) => l.orders.map((o) => o.trackingNumber);

    beforeAll(async () => {
      t = await startTestServer(target);
      const route = async (name: string) =>
        (await t.call('POST', '/api/v1/routes', { token: t.adminToken, body: { name } }))
          .body as FleetRoute;
      const n = await route('North');
      const s = await route('South');
      north = await enrollFakeBox(t, { name: 'North shop', routeId: n.id });
      south = await enrollFakeBox(t, { name: 'South shop', routeId: s.id });
      olga = await t.createStaff('olga.retail', ['route-operator']);
      await t.call('PUT', `/api/v1/routes/${n.id}/staff/${olga.id}`, { token: t.adminToken });
      books = await t.createStaff('books.retail', ['bookkeeper']);
      const ok = (r: { status: number; body: unknown }) =>
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      // In arrival order: N1, S1, N2, S2 (newest first in lists: S2, N2, S1, N1).
      ok(await north.uploadTelemetry([orderRecord(1, 'NNNN-0000-0001')]));
      ok(
        await south.uploadTelemetry([
          orderRecord(1, 'SSSS-0000-0001'),
          burnEvent(2, 'SSSS-0000-0001', 'refunded', 1),
        ]),
      );
      ok(
        await north.uploadTelemetry([
          orderRecord(2, 'NNNN-0000-0002', { customer: undefined }),
          burnEvent(3, 'NNNN-0000-0002', 'burn-started', 1),
          burnEvent(4, 'NNNN-0000-0002', 'burn-finished', 2),
          burnEvent(5, 'NNNN-0000-0002', 'verified', 3),
        ]),
      );
      ok(await south.uploadTelemetry([orderRecord(3, 'SSSS-0000-0002')]));
    });
    afterAll(() => t?.close());

    it('lists every order, newest first, for admins and bookkeepers, in pages', async () => {
      for (const token of [t.adminToken, books.token]) {
        expect(numbers(await list('', token))).toEqual([
          'SSSS-0000-0002',
          'NNNN-0000-0002',
          'SSSS-0000-0001',
          'NNNN-0000-0001',
        ]);
      }
      const first = await list('?limit=3', books.token);
      expect(first.orders).toHaveLength(3);
      expect(first.nextBefore).not.toBeNull();
      const rest = await list(`?limit=3&before=${first.nextBefore}`, books.token);
      expect(numbers(rest)).toEqual(['NNNN-0000-0001']);
      expect(rest.nextBefore).toBeNull();
      const summary = first.orders[1]!;
      expect(summary).toMatchObject({
        trackingNumber: 'NNNN-0000-0002',
        boxId: north.id,
        boxName: 'North shop',
        status: 'done',
        price: 899,
        currency: 'EUR',
      });
      // The list carries no personal data; the detail does.
      expect(JSON.stringify(first)).not.toContain(CUSTOMER.email);
    });

    it('filters by box and by status', async () => {
      expect(numbers(await list(`?boxId=${south.id}`, t.adminToken))).toEqual([
        'SSSS-0000-0002',
        'SSSS-0000-0001',
      ]);
      expect(numbers(await list('?status=refunded', t.adminToken))).toEqual(['SSSS-0000-0001']);
      expect(numbers(await list(`?status=queued&boxId=${north.id}`, t.adminToken))).toEqual([
        'NNNN-0000-0001',
      ]);
      expect(numbers(await list('?status=burning', t.adminToken))).toEqual([]);
      const nobox = await t.call('GET', '/api/v1/retail/orders?boxId=box-nope', {
        token: t.adminToken,
      });
      expect(nobox.status).toBe(404);
    });

    it('shows a route operator the orders of the boxes on their routes only', async () => {
      expect(numbers(await list('', olga.token))).toEqual(['NNNN-0000-0002', 'NNNN-0000-0001']);
      expect(numbers(await list(`?boxId=${north.id}&status=done`, olga.token))).toEqual([
        'NNNN-0000-0002',
      ]);
      // Another route's box and its orders are "not found", as if they did not exist.
      const box = await t.call('GET', `/api/v1/retail/orders?boxId=${south.id}`, {
        token: olga.token,
      });
      expect(box.status).toBe(404);
      const order = await t.call('GET', '/api/v1/retail/orders/SSSS-0000-0001', {
        token: olga.token,
      });
      expect(order.status).toBe(404);
      const own = await t.call('GET', '/api/v1/retail/orders/nnnn00000001', { token: olga.token });
      expect(own.status).toBe(200);
    });

    it("gives one order with tracks, events and the customer's contact, and audits the read", async () => {
      const res = await t.call('GET', '/api/v1/retail/orders/NNNN-0000-0001', {
        token: books.token,
      });
      expect(res.status).toBe(200);
      const d = res.body as RetailOrderDetail;
      expect(d.customer).toEqual(CUSTOMER);
      expect(d.tracks).toHaveLength(2);
      const done = (
        await t.call('GET', '/api/v1/retail/orders/NNNN-0000-0002', { token: books.token })
      ).body as RetailOrderDetail;
      expect(done.customer).toEqual({ name: null, email: null });
      expect(done.events.map((e) => e.kind)).toEqual(['burn-started', 'burn-finished', 'verified']);
      const audit = (await t.call('GET', '/api/v1/audit?limit=5', { token: t.adminToken }))
        .body as AuditListResponse;
      expect(audit.entries.map((e) => [e.action, e.targetId])).toContainEqual([
        'retail.order.read',
        'NNNN-0000-0001',
      ]);
      const unknown = await t.call('GET', '/api/v1/retail/orders/2222-3333-4444', {
        token: books.token,
      });
      expect(unknown.status).toBe(404);
    });

    it('admits admins, bookkeepers and route operators only', async () => {
      const tech = await t.createStaff('tech.retail', ['technician']);
      const cat = await t.createStaff('catalog.retail', ['catalog-manager']);
      for (const path of ['/api/v1/retail/orders', '/api/v1/retail/orders/NNNN-0000-0001']) {
        expect((await t.call('GET', path)).status, path).toBe(401);
        expect((await t.call('GET', path, { token: tech.token })).status, path).toBe(403);
        expect((await t.call('GET', path, { token: cat.token })).status, path).toBe(403);
      }
    });

    it('refuses malformed queries with 400 naming the field', async () => {
      const cases: [string, RegExp][] = [
        ['?limit=0', /query\.limit/],
        ['?limit=501', /query\.limit/],
        ['?limit=abc', /query\.limit/],
        ['?before=-1', /query\.before/],
        ['?before=1.5', /query\.before/],
        ['?before=99999999999999999999', /query\.before/],
        ['?status=shipped', /query\.status/],
        ['?boxId=box%2F1', /query\.boxId/],
        ['?sort=asc', /query/],
        ['/not-a-number', /params\.trackingNumber/],
        [`/${'A'.repeat(65)}`, /params\.trackingNumber/],
      ];
      for (const [suffix, field] of cases) {
        const res = await t.call('GET', `/api/v1/retail/orders${suffix}`, { token: t.adminToken });
        expect(res.status, suffix).toBe(400);
        expect((res.body as { error: { message: string } }).error.message, suffix).toMatch(field);
      }
    });
  });
}
