import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { signedManifest, type FleetRoute } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestTestTrack, makeSet } from '../content/test-support/catalog.js';
import { addTestBox, type TestBox } from '../content/test-support/content.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

// A box moved to another route takes that route's content sets at once: the move starts the
// manifest job, rather than leaving the box to its next timed pass (a minute later).

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`moving a box between routes on ${target.dialect}`, () => {
    let t: TestServer;
    let dir: string;
    let north: FleetRoute;
    let south: FleetRoute;
    let box: TestBox;
    let northTrack: string;
    let southTrack: string;

    const manifestTracks = async () => {
      const res = await box.get('/api/v1/box/manifest');
      if (res.status === 404) return { version: 0, tracks: [] as string[] };
      expect(res.status).toBe(200);
      const { manifest } = signedManifest.parse(await res.json());
      return { version: manifest.version, tracks: manifest.tracks.map((x) => x.trackId) };
    };
    /** Waits for the run the last change started; no run is started here. */
    const settled = () => t.server.context.content.manifests.idle();
    const moveTo = async (routeId: number | null) => {
      const res = await t.call('PUT', `/api/v1/boxes/${box.id}/route`, {
        token: t.adminToken,
        body: { routeId },
      });
      expect(res.status).toBe(200);
    };

    beforeAll(async () => {
      t = await startTestServer(target);
      const { token } = await t.createStaff('curator', ['catalog-manager']);
      dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-route-content-'));
      const route = async (name: string) =>
        (await t.call('POST', '/api/v1/routes', { token: t.adminToken, body: { name } }))
          .body as FleetRoute;
      north = await route('North');
      south = await route('South');
      northTrack = (await ingestTestTrack(t, token, dir, { seed: 11, title: 'Northern' })).id;
      southTrack = (await ingestTestTrack(t, token, dir, { seed: 12, title: 'Southern' })).id;
      for (const [r, trackId] of [
        [north, northTrack],
        [south, southTrack],
      ] as const) {
        const set = await makeSet(t, token, `${r.name} set`, { trackIds: [trackId] });
        const res = await t.call('PUT', `/api/v1/content-sets/${set.id}/routes/${r.id}`, {
          token,
        });
        expect(res.status).toBe(200);
      }
      box = await addTestBox(t);
      await settled();
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('issues the new route content as soon as the move is made', async () => {
      expect(await manifestTracks()).toEqual({ version: 0, tracks: [] });
      await moveTo(north.id);
      await settled();
      expect(await manifestTracks()).toEqual({ version: 1, tracks: [northTrack] });
      await moveTo(south.id);
      await settled();
      expect(await manifestTracks()).toEqual({ version: 2, tracks: [southTrack] });
      await moveTo(null);
      await settled();
      expect(await manifestTracks()).toEqual({ version: 3, tracks: [] });
    }, 60_000);

    it('starts no manifest when the box stays where it is', async () => {
      const before = await manifestTracks();
      await moveTo(null);
      await settled();
      expect(await manifestTracks()).toEqual(before);
    });
  });
}
