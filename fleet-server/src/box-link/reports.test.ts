import { testDatabaseTargets } from '@jukebox/db/testing';
import type { AuditListResponse, FleetRoute } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { PlaysReport, SongRequestsReport } from './api-schemas.js';
import {
  enrollFakeBox,
  type FakeBox,
  playRecord,
  songRequestRecord,
} from './test-support/fake-box.js';

const day = (d: number, h = 12) => Date.UTC(2026, 0, d, h);
const iso = (ms: number) => new Date(ms).toISOString();

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`reports on ${target.dialect}`, () => {
    let t: TestServer;
    let north: FakeBox;
    let south: FakeBox;
    let olga: { id: number; token: string };
    let books: { id: number; token: string };
    let catalog: { id: number; token: string };
    let tech: { id: number; token: string };

    const plays = async (query: string, token: string) => {
      const res = await t.call('GET', `/api/v1/reports/plays${query}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as PlaysReport;
    };
    const requests = async (query: string, token: string) => {
      const res = await t.call('GET', `/api/v1/reports/song-requests${query}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as SongRequestsReport;
    };

    beforeAll(async () => {
      t = await startTestServer(target);
      const route = async (name: string) =>
        (await t.call('POST', '/api/v1/routes', { token: t.adminToken, body: { name } }))
          .body as FleetRoute;
      const n = await route('North');
      const s = await route('South');
      north = await enrollFakeBox(t, { name: 'N1', routeId: n.id });
      south = await enrollFakeBox(t, { name: 'S1', routeId: s.id });
      olga = await t.createStaff('olga.reports', ['route-operator']);
      await t.call('PUT', `/api/v1/routes/${n.id}/staff/${olga.id}`, { token: t.adminToken });
      books = await t.createStaff('books.reports', ['bookkeeper']);
      catalog = await t.createStaff('catalog.reports', ['catalog-manager']);
      tech = await t.createStaff('tech.reports', ['technician']);

      const heroes = { catalogId: 'trk-heroes', title: 'Heroes', artist: 'David Bowie' };
      const local = { catalogId: undefined, title: 'Our Song', artist: 'The Locals' };
      const ok = (r: { status: number; body: unknown }) =>
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      ok(
        await north.uploadTelemetry([
          playRecord(1, { ...heroes, startedAt: iso(day(1)), paidCredits: 2 }),
          playRecord(2, { ...heroes, startedAt: iso(day(2)), completed: false, paidCredits: 1 }),
          playRecord(3, { ...local, startedAt: iso(day(2)), paidCredits: 0 }),
          songRequestRecord(4, 'Kraftwerk — Das Model', day(2)),
          playRecord(5, { ...heroes, startedAt: iso(day(10)), paidCredits: 1 }),
        ]),
      );
      ok(
        await south.uploadTelemetry([
          playRecord(1, { ...heroes, startedAt: iso(day(3)), paidCredits: 1 }),
          songRequestRecord(2, 'kraftwerk — das  model', day(3)),
          songRequestRecord(3, 'Abba', day(11)),
        ]),
      );
      // A replay changes no report.
      ok(await south.uploadTelemetry([playRecord(1, { ...heroes, startedAt: iso(day(3)) })]));
    });
    afterAll(() => t?.close());

    it('counts plays per box and track, with completed plays and credits', async () => {
      const report = await plays('', books.token);
      expect(report.truncated).toBe(false);
      expect(report.rows).toEqual([
        ...[
          {
            boxId: north.id,
            boxName: 'N1',
            trackKey: 'catalog:trk-heroes',
            catalogId: 'trk-heroes',
            title: 'Heroes',
            artist: 'David Bowie',
            plays: 3,
            completedPlays: 2,
            paidCredits: 4,
          },
          {
            boxId: north.id,
            boxName: 'N1',
            trackKey: 'local:the locals|our song',
            catalogId: null,
            title: 'Our Song',
            artist: 'The Locals',
            plays: 1,
            completedPlays: 1,
            paidCredits: 0,
          },
          {
            boxId: south.id,
            boxName: 'S1',
            trackKey: 'catalog:trk-heroes',
            catalogId: 'trk-heroes',
            title: 'Heroes',
            artist: 'David Bowie',
            plays: 1,
            completedPlays: 1,
            paidCredits: 1,
          },
        ].sort((a, b) => (a.boxId < b.boxId ? -1 : a.boxId > b.boxId ? 1 : 0)),
      ]);
    });

    it('audits who read which report', async () => {
      await plays('?limit=5', books.token);
      const audit = (await t.call('GET', '/api/v1/audit?limit=1', { token: t.adminToken }))
        .body as AuditListResponse;
      expect(audit.entries[0]).toMatchObject({
        action: 'report.plays',
        actorUserId: books.id,
        details: { limit: 5 },
      });
    });

    it('filters by time span (from inclusive, to exclusive) and box', async () => {
      const span = await plays(`?from=${iso(day(2, 0))}&to=${iso(day(3, 12))}`, t.adminToken);
      expect(span.from).toBe(iso(day(2, 0)));
      expect(span.rows.map((r) => [r.boxName, r.trackKey, r.plays]).sort()).toEqual(
        [
          ['N1', 'catalog:trk-heroes', 1],
          ['N1', 'local:the locals|our song', 1],
        ].sort(),
      );
      const one = await plays(`?boxId=${south.id}`, t.adminToken);
      expect(one.rows.map((r) => r.boxId)).toEqual([south.id]);
      const limited = await plays('?limit=1', t.adminToken);
      expect(limited.rows).toHaveLength(1);
      expect(limited.truncated).toBe(true);
    });

    it("shows a route operator only their boxes' plays and requests", async () => {
      const report = await plays('', olga.token);
      expect(new Set(report.rows.map((r) => r.boxId))).toEqual(new Set([north.id]));
      const other = await t.call('GET', `/api/v1/reports/plays?boxId=${south.id}`, {
        token: olga.token,
      });
      expect(other.status).toBe(404);
      const reqs = await requests('', olga.token);
      expect(reqs.rows).toEqual([
        expect.objectContaining({ normalized: 'kraftwerk — das model', requests: 1, boxes: 1 }),
      ]);
    });

    it('counts song requests per normalised text with a sample, across boxes', async () => {
      const report = await requests('', catalog.token);
      expect(report.rows).toEqual([
        {
          normalized: 'kraftwerk — das model',
          sampleText: expect.stringMatching(/^kraftwerk — das {1,2}model$/i),
          requests: 2,
          boxes: 2,
          firstAt: iso(day(2)),
          lastAt: iso(day(3)),
        },
        {
          normalized: 'abba',
          sampleText: 'Abba',
          requests: 1,
          boxes: 1,
          firstAt: iso(day(11)),
          lastAt: iso(day(11)),
        },
      ]);
      const early = await requests(`?to=${iso(day(3))}`, books.token);
      expect(early.rows.map((r) => [r.normalized, r.requests])).toEqual([
        ['kraftwerk — das model', 1],
      ]);
    });

    it('refuses other roles, the anonymous and malformed queries', async () => {
      expect((await t.call('GET', '/api/v1/reports/plays', { token: tech.token })).status).toBe(
        403,
      );
      expect((await t.call('GET', '/api/v1/reports/plays', { token: catalog.token })).status).toBe(
        403,
      );
      expect(
        (await t.call('GET', '/api/v1/reports/song-requests', { token: tech.token })).status,
      ).toBe(403);
      expect((await t.call('GET', '/api/v1/reports/plays')).status).toBe(401);
      for (const query of [
        '?from=yesterday',
        '?to=2026-01-01',
        `?from=${iso(day(5))}&to=${iso(day(4))}`,
        '?limit=0',
        '?limit=10001',
        '?boxId=bad%20id',
        '?other=1',
      ]) {
        const res = await t.call('GET', `/api/v1/reports/plays${query}`, { token: t.adminToken });
        expect(res.status, query).toBe(400);
      }
      expect(
        (await t.call('GET', '/api/v1/reports/plays?boxId=box-unknown', { token: t.adminToken }))
          .status,
      ).toBe(404);
    });

    it("limits a route operator's link status to their boxes", async () => {
      expect(
        (await t.call('GET', `/api/v1/boxes/${north.id}/link`, { token: olga.token })).status,
      ).toBe(200);
      expect(
        (await t.call('GET', `/api/v1/boxes/${south.id}/link`, { token: olga.token })).status,
      ).toBe(404);
      expect(
        (await t.call('GET', `/api/v1/boxes/${south.id}/link`, { token: books.token })).status,
      ).toBe(403);
      expect(
        (await t.call('POST', `/api/v1/boxes/${north.id}/revoke`, { token: olga.token })).status,
      ).toBe(403);
      const admin = { token: t.adminToken };
      expect((await t.call('GET', '/api/v1/boxes/box-unknown/link', admin)).status).toBe(404);
      expect((await t.call('GET', '/api/v1/boxes/bad%20id/link', admin)).status).toBe(400);
      expect((await t.call('POST', '/api/v1/boxes/box-unknown/revoke', admin)).status).toBe(404);
      // A box that never enrolled has a link status too: not enrolled, never seen.
      await t.server.context.boxes.create({ id: 'box-manual', name: 'Manual' }, null);
      expect((await t.call('GET', '/api/v1/boxes/box-manual/link', admin)).body).toMatchObject({
        enrolled: false,
        connected: false,
        lastSeenAt: null,
        ackedSeq: 0,
      });
    });
  });
}
