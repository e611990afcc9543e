import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair, rawPublicKeyB64u, verifySignedManifest } from '@jukebox/crypto';
import { decodeJson } from '@jukebox/db';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { signedManifest } from '@jukebox/protocol';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test-support/server.js';
import { ingestTestTrack, makeSet } from '../test-support/catalog.js';
import { ManifestIssuer } from './issuer.js';

// A fleet-sized run: thousands of boxes on one route get their manifests in one run, with a
// number of queries that grows with the number of batches, not with boxes times boxes (and
// not even one query per box). Counted, never timed.

/** Counts the queries that go through the Kysely instance it is plugged into. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Inserts `n` enrolled boxes on a route, straight into the tables enrollment fills. */
async function addBoxes(t: TestServer, routeId: number, n: number, prefix: string): Promise<void> {
  const db = t.server.context.db;
  const now = t.clock.now();
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from(
      { length: Math.min(500, n - i) },
      (_, j) => `${prefix}-${String(i + j).padStart(5, '0')}`,
    );
    await db
      .insertInto('boxes')
      .values(
        rows.map((id) => ({
          id,
          name: id,
          route_id: routeId,
          status: 'active' as const,
          created_at: now,
          revoked_at: null,
        })),
      )
      .execute();
    await db
      .insertInto('box_keys')
      .values(
        rows.map((id) => ({
          box_id: id,
          signing_public_key: rawPublicKeyB64u(generateKeyPair('ed25519').publicKey),
          agreement_public_key: rawPublicKeyB64u(generateKeyPair('x25519').publicKey),
          enrolled_at: now,
          enrollment_code_id: null,
        })),
      )
      .execute();
  }
}

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`manifests for a fleet on ${target.dialect}`, () => {
    let t: TestServer;
    let dir: string;
    let routeId: number;
    const counter = new QueryCounter();
    let issuer: ManifestIssuer;

    beforeAll(async () => {
      t = await startTestServer(target);
      const token = (await t.createStaff('curator', ['catalog-manager'])).token;
      dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-scale-'));
      const tracks = [
        await ingestTestTrack(t, token, dir, { seed: 41, title: 'One', cover: true }),
        await ingestTestTrack(t, token, dir, { seed: 42, title: 'Two' }),
      ];
      const route = await t.call('POST', '/api/v1/routes', {
        token: t.adminToken,
        body: { name: 'Big route' },
      });
      routeId = (route.body as { id: number }).id;
      const set = await makeSet(t, token, 'Everything', { trackIds: tracks.map((x) => x.id) });
      await t.call('PUT', `/api/v1/content-sets/${set.id}/routes/${routeId}`, { token });
      const ctx = t.server.context;
      await ctx.content.manifests.close();
      // The same job as the server's, over a query-counting view of the same database.
      issuer = new ManifestIssuer({
        db: ctx.db.withPlugin(counter),
        clock: t.clock,
        log: ctx.log,
        lifetimeMs: ctx.content.settings.manifestLifetimeMs,
        renewAheadMs: ctx.content.settings.renewAheadMs,
        sealer: () => ctx.content.sealer(),
        signingKey: async () => (await ctx.link.serverSigningKey()).privateKey,
        notify: () => undefined,
      });
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('issues 5,000 manifests in one run with queries per batch, not per box', async () => {
      await addBoxes(t, routeId, 500, 'small');
      counter.count = 0;
      expect((await issuer.run()).issued).toBe(500);
      const small = counter.count;

      await addBoxes(t, routeId, 4500, 'large');
      counter.count = 0;
      const report = await issuer.run();
      expect(report.issued).toBe(4500);
      const large = counter.count;
      // Nine times the boxes: at most about nine times the queries (batches of 250), and far
      // fewer queries than boxes.
      expect(large).toBeLessThanOrEqual(small * 9 * 1.25);
      expect(large).toBeLessThan(4500 / 4);

      const heads = await t.server.context.db
        .selectFrom('box_content_heads')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(heads.n)).toBe(5000);
      const key = (await t.server.context.link.serverSigningKey()).publicKey;
      for (const id of ['small-00000', 'large-04499']) {
        const row = await t.server.context.db
          .selectFrom('box_manifests')
          .select('json')
          .where('box_id', '=', id)
          .executeTakeFirstOrThrow();
        const signed = decodeJson(row.json, signedManifest);
        expect(verifySignedManifest(signed, key)).toBe(true);
        expect(signed.manifest).toMatchObject({ boxId: id, version: 1 });
        expect(signed.manifest.tracks).toHaveLength(2);
      }
      // Nothing left to do: a second run looks at no box.
      expect(await issuer.run()).toEqual({ examined: 0, issued: 0, unchanged: 0 });
    }, 300_000);
  });
}
