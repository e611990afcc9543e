import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJson } from '@jukebox/db';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { signedManifest } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test-support/server.js';
import type { CatalogTrack } from '../api.js';
import { ingestTestTrack, makeSet } from '../test-support/catalog.js';
import { addTestBox, type TestBox } from '../test-support/content.js';
import { ManifestIssuer } from './issuer.js';

// The manifest job under concurrency: two server processes issuing at once, and a change
// landing while a run is busy with the boxes it affects.

/** A gate a test opens by hand; `reached` resolves once something waits at it. */
function gate() {
  let open!: () => void;
  let arrived!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  return {
    open,
    reached,
    async wait() {
      arrived();
      await opened;
    },
  };
}

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(
    `the manifest job under concurrency on ${target.dialect}`,
    () => {
      let t: TestServer;
      let token: string;
      let dir: string;
      let track: CatalogTrack;
      let boxes: TestBox[];

      /** A job like the server's; `beforeSigning` runs after it has read the batch. */
      const issuer = (beforeSigning?: () => Promise<void>) => {
        const ctx = t.server.context;
        return new ManifestIssuer({
          db: ctx.db,
          clock: t.clock,
          log: ctx.log,
          lifetimeMs: ctx.content.settings.manifestLifetimeMs,
          renewAheadMs: ctx.content.settings.renewAheadMs,
          sealer: () => ctx.content.sealer(),
          signingKey: async (): Promise<KeyObject> => {
            await beforeSigning?.();
            return (await ctx.link.serverSigningKey()).privateKey;
          },
          notify: () => undefined,
        });
      };

      const versions = async (boxId: string) =>
        (
          await t.server.context.db
            .selectFrom('box_manifests')
            .select('version')
            .where('box_id', '=', boxId)
            .orderBy('version')
            .execute()
        ).map((r) => r.version);

      const titleOf = async (boxId: string) => {
        const json = await t.server.context.content.issued.newestJson(boxId);
        return decodeJson(json!, signedManifest).manifest.tracks[0]!.metadata.title;
      };

      beforeAll(async () => {
        t = await startTestServer(target);
        token = (await t.createStaff('curator', ['catalog-manager'])).token;
        dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-issuer-'));
        track = await ingestTestTrack(t, token, dir, { seed: 51, title: 'Tide' });
        // The server's own job stays out of the way; these tests drive their own.
        await t.server.context.content.manifests.close();
        const route = await t.call('POST', '/api/v1/routes', {
          token: t.adminToken,
          body: { name: 'R' },
        });
        const routeId = (route.body as { id: number }).id;
        const set = await makeSet(t, token, 'S', { trackIds: [track.id] });
        await t.call('PUT', `/api/v1/content-sets/${set.id}/routes/${routeId}`, { token });
        boxes = [
          await addTestBox(t, { routeId }),
          await addTestBox(t, { routeId }),
          await addTestBox(t, { routeId }),
        ];
        expect((await issuer().run()).issued).toBe(3);
      }, 60_000);
      afterAll(async () => {
        await t?.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it('never issues one version twice when two processes race', async () => {
        await t.call('PATCH', `/api/v1/catalog/tracks/${track.id}`, {
          token,
          body: { title: 'Tide (A)' },
        });
        const held = gate();
        const slow = issuer(() => held.wait());
        const racing = slow.run();
        await held.reached; // the slow one has read version 1 of every head
        expect((await issuer().run()).issued).toBe(3);
        held.open();
        // Its writes find version 2 where it read 1: it rolls back, looks again, finds no work.
        expect(await racing).toMatchObject({ issued: 0 });
        for (const box of boxes) {
          expect(await versions(box.id)).toEqual([1, 2]);
          expect(await titleOf(box.id)).toBe('Tide (A)');
        }
      });

      it('keeps a change made while a run is busy with the boxes, for the next run', async () => {
        await t.call('PATCH', `/api/v1/catalog/tracks/${track.id}`, {
          token,
          body: { title: 'Tide (B)' },
        });
        const held = gate();
        const job = issuer(() => held.wait());
        const running = job.run();
        await held.reached; // the run has read the track as "Tide (B)"
        await t.call('PATCH', `/api/v1/catalog/tracks/${track.id}`, {
          token,
          body: { title: 'Tide (C)' },
        });
        held.open();
        expect((await running).issued).toBe(3);
        expect(await titleOf(boxes[0]!.id)).toBe('Tide (B)');
        // The later edit is still marked: the next run issues it.
        expect((await issuer().run()).issued).toBe(3);
        for (const box of boxes) {
          expect(await versions(box.id)).toEqual([3, 4]);
          expect(await titleOf(box.id)).toBe('Tide (C)');
        }
        expect((await issuer().run()).issued).toBe(0);
      });
    },
  );

  describe.skipIf(!target.available)(`the manifest job at shutdown on ${target.dialect}`, () => {
    it('finishes a run in progress before the database closes', async () => {
      const t = await startTestServer(target);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-issuer-close-'));
      try {
        const token = (await t.createStaff('curator', ['catalog-manager'])).token;
        const track = await ingestTestTrack(t, token, dir, { seed: 52, title: 'Ebb' });
        const route = await t.call('POST', '/api/v1/routes', {
          token: t.adminToken,
          body: { name: 'R' },
        });
        const routeId = (route.body as { id: number }).id;
        for (let i = 0; i < 50; i++) await addTestBox(t, { routeId });
        const set = await makeSet(t, token, 'S', { trackIds: [track.id] });
        const { db, content } = t.server.context;
        await content.manifests.idle();
        // Assigned without the route's kick, so the run below is the one doing the work.
        await db
          .insertInto('content_set_routes')
          .values({ set_id: set.id, route_id: routeId, assigned_at: t.clock.now() })
          .execute();
        // The run waits for the master key until the server has begun closing.
        const held = gate();
        const sealer = content.sealer.bind(content);
        content.sealer = async () => {
          await held.wait();
          return sealer();
        };
        const running = content.manifests.run();
        await held.reached;
        const closing = t.server.close();
        await new Promise((resolve) => setTimeout(resolve, 200));
        held.open();
        await closing;
        expect((await running).issued).toBe(50);
      } finally {
        await t.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
}
