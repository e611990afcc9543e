import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enrollFakeBox, type FakeBox } from '../box-link/test-support/fake-box.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { PublicOrder } from './api-schemas.js';
import { PUBLIC_LOOKUP_LIMIT } from './public-http.js';
import { burnEvent, CUSTOMER, orderRecord, PLACED } from './test-support/records.js';

const TN = '7K3M-9QXP-2D4F';
const EVIL_TITLE = '<script>alert("pwned")</script> & more';
const minute = (m: number) => new Date(PLACED + m * 60_000).toISOString();
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`public order tracking on ${target.dialect}`, () => {
    let t: TestServer;
    let box: FakeBox;
    beforeAll(async () => {
      t = await startTestServer(target);
      box = await enrollFakeBox(t, { name: 'Disc & Co <Main St>' });
      const res = await box.uploadTelemetry([
        orderRecord(1, TN, { title: EVIL_TITLE }),
        burnEvent(2, TN, 'queued', 0),
        burnEvent(3, TN, 'burner-chosen', 1),
        burnEvent(4, TN, 'image-assembled', 2),
        burnEvent(5, TN, 'burn-started', 3),
        burnEvent(6, TN, 'failed', 4, { detail: 'cdrdao: /dev/sr0 write error' }),
        burnEvent(7, TN, 'retry', 4, { attempt: 2 }),
        burnEvent(8, TN, 'burn-started', 5, { attempt: 2, burnerId: 'image-2' }),
        // Events of an order that never arrived: the number must still look unknown.
        burnEvent(9, 'ZZZZ-ZZZZ-ZZZZ', 'queued', 5),
        orderRecord(10, 'A0B1-C1D0-EEEE'),
      ]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });
    afterAll(() => t?.close());
    // A fresh rate-limit window for every test: the limit has a test of its own.
    beforeEach(() => t.clock.advance(PUBLIC_LOOKUP_LIMIT.windowMs));

    /** Nothing personal or internal in a public answer. */
    function expectNothingPrivate(text: string) {
      for (const secret of [
        CUSTOMER.name,
        CUSTOMER.email,
        'zelda',
        box.id,
        'image-2',
        '/dev/sr0',
        'REC-',
      ]) {
        expect(text).not.toContain(secret);
      }
    }

    it('answers the status and the timeline in JSON, with nothing personal', async () => {
      const res = await t.call('GET', `/api/v1/public/orders/${TN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        trackingNumber: TN,
        shop: 'Disc & Co <Main St>',
        title: EVIL_TITLE,
        trackCount: 2,
        durationMs: 571_500,
        status: 'burning',
        statusText: 'Burning your disc',
        placedAt: minute(0),
        updatedAt: minute(5),
        events: [
          { at: minute(0), kind: 'placed', label: 'Order placed and paid' },
          { at: minute(0), kind: 'queued', label: 'Queued for burning' },
          { at: minute(2), kind: 'image-assembled', label: 'Disc image prepared' },
          { at: minute(3), kind: 'burn-started', label: 'Burning started' },
          { at: minute(4), kind: 'failed', label: 'The burn failed' },
          { at: minute(4), kind: 'retry', label: 'Trying again' },
          { at: minute(5), kind: 'burn-started', label: 'Burning started (attempt 2)' },
        ],
      } satisfies PublicOrder);
      expectNothingPrivate(JSON.stringify(res.body));
    });

    it('serves a phone-sized page with the status, disc and timeline, everything escaped', async () => {
      const res = await t.call('GET', `/orders/${TN}`, { headers: html });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const page = res.body as string;
      expect(page).toContain(
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
      );
      expect(page).not.toContain('<script>');
      expect(page).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; more');
      expect(page).toContain('Disc &amp; Co &lt;Main St&gt;');
      expect(page).toContain('Burning your disc');
      expect(page).toContain('2 tracks, 9:32');
      expect(page).toContain(TN);
      expect(page).toContain('15 Jan 2026, 10:03 UTC');
      expect(page.match(/<li>/g)).toHaveLength(7);
      expectNothingPrivate(page);
    });

    it('finds the order however the number is typed', async () => {
      for (const typed of ['7k3m-9qxp-2d4f', '7k3m9qxp2d4f', '7K3M 9QXP 2D4F', '7k3m-9qxp-2d4f ']) {
        const res = await t.call('GET', `/api/v1/public/orders/${encodeURIComponent(typed)}`);
        expect(res.status, typed).toBe(200);
        expect((res.body as PublicOrder).trackingNumber).toBe(TN);
      }
      const page = await t.call('GET', '/orders/7k3m9qxp2d4f');
      expect(page.status).toBe(200);
      // O typed for 0, I and L for 1.
      const typo = await t.call('GET', '/api/v1/public/orders/aob1-cido-eeee');
      expect(typo.status).toBe(200);
      expect((typo.body as PublicOrder).trackingNumber).toBe('A0B1-C1D0-EEEE');
      expect((await t.call('GET', '/orders/AOBL-CLDO-EEEE')).status).toBe(200);
    });

    it('says 404 for an unknown number, the same whatever the server holds for it', async () => {
      const unknown = await t.call('GET', '/api/v1/public/orders/2222-3333-4444');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({
        error: {
          code: 'not_found',
          message: expect.stringMatching(/^no order has this tracking number/),
        },
      });
      const warm = await t.call('GET', '/api/v1/public/orders/zzzz-zzzz-zzzz');
      expect(warm.status).toBe(404);
      expect(warm.body).toEqual(unknown.body);
      const page = await t.call('GET', '/orders/2222-3333-4444', { headers: html });
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('Order not found');
      // Not a browser: the JSON error shape, like every other route.
      const script = await t.call('GET', '/orders/2222-3333-4444');
      expect(script.status).toBe(404);
      expect(script.body).toEqual(unknown.body);
    });

    it('says 400 for what is not a tracking number', async () => {
      for (const bad of ['abc', '7K3M-9QXP-2D4', '7K3M-9QXP-2D4FF', 'UUUU-UUUU-UUUU', '%3Cb%3E']) {
        const res = await t.call('GET', `/api/v1/public/orders/${bad}`);
        expect(res.status, bad).toBe(400);
        expect((res.body as { error: { message: string } }).error.message).toMatch(
          /^params\.trackingNumber: a tracking number is three groups of four/,
        );
      }
      expect((await t.call('GET', `/api/v1/public/orders/${'A'.repeat(65)}`)).status).toBe(400);
      const page = await t.call('GET', '/orders/%3Cb%3Ex', { headers: html });
      expect(page.status).toBe(400);
      expect(page.body).toContain('Not a tracking number');
      expect(page.body).not.toContain('<b>');
      const long = await t.call('GET', `/orders/${'A'.repeat(65)}`, { headers: html });
      expect(long.status).toBe(400);
      expect(long.body).toContain('Not a tracking number');
    });

    it(`answers 429 after ${PUBLIC_LOOKUP_LIMIT.limit} look-ups a minute from one address`, async () => {
      const { limit } = PUBLIC_LOOKUP_LIMIT;
      // Bounded: one request at a time, the page and the JSON counting together.
      for (let i = 0; i < limit; i++) {
        const path = i % 2 ? `/orders/${TN}` : `/api/v1/public/orders/2222-3333-444${i % 10}`;
        const res = await t.call('GET', path);
        expect(res.status, `request ${i + 1}`).not.toBe(429);
      }
      t.clock.advance(15_000);
      const json = await t.call('GET', `/api/v1/public/orders/${TN}`);
      expect(json.status).toBe(429);
      expect(json.headers.get('retry-after')).toBe('45');
      expect(json.body).toEqual({
        error: { code: 'too_many_requests', message: expect.stringContaining('try again') },
      });
      const page = await t.call('GET', `/orders/${TN}`, { headers: html });
      expect(page.status).toBe(429);
      expect(page.body).toContain('Too many requests');
      // Staff routes are not limited by it.
      const staff = await t.call('GET', '/api/v1/retail/orders', { token: t.adminToken });
      expect(staff.status).toBe(200);
      t.clock.advance(45_000);
      expect((await t.call('GET', `/api/v1/public/orders/${TN}`)).status).toBe(200);
    });
  });
}
