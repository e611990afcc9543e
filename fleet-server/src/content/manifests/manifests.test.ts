import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createDecryptStream,
  KeyUnwrapError,
  unwrapContentKey,
  verifySignedManifest,
} from '@jukebox/crypto';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { signedManifest, type SignedManifest } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBox } from '../../box-link/test-support/fake-box.js';
import { startTestServer, type TestServer } from '../../test-support/server.js';
import type { CatalogTrack, ContentSetDetail, Graphic } from '../api.js';
import { ingestTestTrack, makeSet, uploadTestGraphic } from '../test-support/catalog.js';
import { addTestBox, type TestBox } from '../test-support/content.js';

// Content sets to signed manifests to blobs, end to end: real ingests, real keys, boxes whose
// requests are really signed, manifests checked the way a box checks them.

const DAY = 86_400_000;

async function manifestOf(box: TestBox): Promise<SignedManifest> {
  const res = await box.get('/api/v1/box/manifest');
  expect(res.status).toBe(200);
  const raw: unknown = await res.json();
  return signedManifest.parse(raw);
}

async function download(box: TestBox, sha256: string): Promise<Buffer> {
  const res = await box.get(`/api/v1/box/blobs/${sha256}`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`manifests and box downloads on ${target.dialect}`, () => {
    let t: TestServer;
    let token: string;
    let dir: string;
    let serverKey: string;
    let a: CatalogTrack;
    let b: CatalogTrack;
    let c: CatalogTrack;
    let slide: Graphic;
    let boxA: TestBox;
    let boxB: TestBox;
    let set1: ContentSetDetail;
    /**
     * Waits for the run a change started in the background, then runs once more: the report
     * is of work nobody had done yet (0 issued when everything was already up to date).
     */
    const run = async () => {
      await t.server.context.content.manifests.idle();
      return t.server.context.content.manifests.run();
    };

    beforeAll(async () => {
      t = await startTestServer(target);
      token = (await t.createStaff('curator', ['catalog-manager'])).token;
      dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-manifests-'));
      a = await ingestTestTrack(t, token, dir, { seed: 1, title: 'Alpha', cover: true });
      b = await ingestTestTrack(t, token, dir, { seed: 2, title: 'Bravo' });
      c = await ingestTestTrack(t, token, dir, { seed: 3, title: 'Charlie' });
      slide = await uploadTestGraphic(t, token, 'Slide');
      serverKey = (await t.server.context.link.serverSigningKey()).publicKey;
      boxA = await addTestBox(t);
      boxB = await addTestBox(t);
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers 404 to a box without a manifest and 401 to an unsigned request', async () => {
      expect((await boxA.get('/api/v1/box/manifest')).status).toBe(404);
      expect((await fetch(`${t.url}/api/v1/box/manifest`)).status).toBe(401);
      expect((await run()).issued).toBe(0);
    });

    it('issues a signed manifest when a set is assigned to a box', async () => {
      set1 = await makeSet(t, token, 'Bar classics', { trackIds: [a.id], graphicIds: [slide.id] });
      const assigned = await t.call('PUT', `/api/v1/content-sets/${set1.id}/boxes/${boxA.id}`, {
        token,
      });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ boxIds: [boxA.id], trackIds: [a.id] });
      await run();

      const signed = await manifestOf(boxA);
      expect(verifySignedManifest(signed, serverKey)).toBe(true);
      const m = signed.manifest;
      expect(m).toMatchObject({ boxId: boxA.id, version: 1 });
      expect(Date.parse(m.expiresAt) - Date.parse(m.issuedAt)).toBe(30 * DAY);
      expect(m.tracks).toHaveLength(1);
      expect(m.tracks[0]).toMatchObject({
        trackId: a.id,
        sha256: a.delivery.blobSha256,
        size: a.delivery.blobSize,
        chunkSize: 65_536,
        plainSha256: a.delivery.plainSha256,
        metadata: {
          title: 'Alpha',
          artist: 'Test Artist',
          gainDb: a.gainDb,
          coverSha256: a.covers[0]!.sha256,
          durationMs: a.durationMs,
        },
      });
      // Graphics: the set's slide and the covers of its tracks.
      expect(m.graphics.map((g) => g.sha256).sort()).toEqual(
        [slide.sha256, a.covers[0]!.sha256].sort(),
      );

      const status = await t.call('GET', `/api/v1/content/boxes/${boxA.id}/manifest`, { token });
      expect(status.body).toMatchObject({
        version: 1,
        trackCount: 1,
        graphicCount: 2,
        pending: false,
      });
      // Signed by the key the box pinned; a changed manifest does not verify.
      const altered = structuredClone(signed);
      altered.manifest.tracks[0]!.metadata.title = 'Free music';
      expect(verifySignedManifest(altered, serverKey)).toBe(false);
    }, 60_000);

    it('wraps the key for that box alone; it decrypts the blob to exactly the delivery file', async () => {
      const { manifest } = await manifestOf(boxA);
      const entry = manifest.tracks[0]!;
      const key = unwrapContentKey(
        entry.wrappedKey,
        boxA.identity.agreement.privateKey,
        entry.trackId,
      );
      const blob = await download(boxA, entry.sha256);
      expect(createHash('sha256').update(blob).digest('hex')).toBe(entry.sha256);
      const plain = createHash('sha256');
      let length = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          plain.update(chunk);
          length += chunk.length;
          done();
        },
      });
      await pipeline(Readable.from([blob]), createDecryptStream({ key }), sink);
      expect(plain.digest('hex')).toBe(a.delivery.plainSha256);
      expect(length).toBe(a.delivery.plainSize);
      expect(() =>
        unwrapContentKey(entry.wrappedKey, boxB.identity.agreement.privateKey, entry.trackId),
      ).toThrow(KeyUnwrapError);
      expect(() =>
        unwrapContentKey(entry.wrappedKey, boxA.identity.agreement.privateKey, b.id),
      ).toThrow(KeyUnwrapError);
    });

    it('issues version+1 when the set changes, and nothing when nothing changed', async () => {
      const before = (await manifestOf(boxA)).manifest;
      const res = await t.call('PUT', `/api/v1/content-sets/${set1.id}/items`, {
        token,
        body: { trackIds: [a.id, b.id], graphicIds: [slide.id] },
      });
      expect(res.status).toBe(200);
      await run();
      const after = (await manifestOf(boxA)).manifest;
      expect(after.version).toBe(2);
      expect(after.tracks.map((x) => x.trackId)).toEqual([a.id, b.id].sort());
      // The key of a track the box already had is not wrapped again.
      expect(after.tracks.find((x) => x.trackId === a.id)!.wrappedKey).toBe(
        before.tracks[0]!.wrappedKey,
      );

      expect((await run()).issued).toBe(0);
      // A rename does not change what boxes hold.
      await t.call('PATCH', `/api/v1/content-sets/${set1.id}`, {
        token,
        body: { name: 'Classics' },
      });
      expect((await run()).issued).toBe(0);
      // A metadata edit does: boxes are told titles.
      await t.call('PATCH', `/api/v1/catalog/tracks/${b.id}`, { token, body: { title: 'Bravo!' } });
      await run();
      const edited = (await manifestOf(boxA)).manifest;
      expect(edited.version).toBe(3);
      expect(edited.tracks.find((x) => x.trackId === b.id)!.metadata.title).toBe('Bravo!');
    }, 60_000);

    it("keeps each box to its own manifest and blobs (404 for another box's)", async () => {
      const set2 = await makeSet(t, token, 'Only B', { trackIds: [c.id] });
      await t.call('PUT', `/api/v1/content-sets/${set2.id}/boxes/${boxB.id}`, { token });
      await run();
      const mB = (await manifestOf(boxB)).manifest;
      expect(mB).toMatchObject({ boxId: boxB.id, version: 1 });
      expect(mB.tracks.map((x) => x.trackId)).toEqual([c.id]);
      expect((await boxA.get(`/api/v1/box/blobs/${c.delivery.blobSha256}`)).status).toBe(404);
      expect((await boxB.get(`/api/v1/box/blobs/${c.delivery.blobSha256}`)).status).toBe(200);
      expect((await boxB.get(`/api/v1/box/blobs/${a.delivery.blobSha256}`)).status).toBe(404);
      expect((await boxA.get(`/api/v1/box/blobs/${'0'.repeat(64)}`)).status).toBe(404);
      expect((await boxA.get('/api/v1/box/blobs/not-a-hash')).status).toBe(400);
      // The preview is the catalog's, not the box's.
      expect((await boxA.get(`/api/v1/box/blobs/${a.preview.sha256}`)).status).toBe(404);
      // A's own manifest still lists only A's content.
      const mA = (await manifestOf(boxA)).manifest;
      expect(mA.tracks.map((x) => x.trackId)).not.toContain(c.id);
    }, 60_000);

    it('serves byte ranges: first byte, middle, open, suffix; 416 beyond the end', async () => {
      const sha = a.delivery.blobSha256;
      const size = a.delivery.blobSize;
      const whole = await download(boxA, sha);
      const ranged = async (range: string) => {
        const res = await boxA.get(`/api/v1/box/blobs/${sha}`, { range });
        return { res, bytes: Buffer.from(await res.arrayBuffer()) };
      };
      const first = await ranged('bytes=0-0');
      expect(first.res.status).toBe(206);
      expect(first.res.headers.get('content-range')).toBe(`bytes 0-0/${size}`);
      expect(first.res.headers.get('content-length')).toBe('1');
      expect(first.bytes).toEqual(whole.subarray(0, 1));
      const middle = await ranged('bytes=1000-1999');
      expect(middle.res.headers.get('content-range')).toBe(`bytes 1000-1999/${size}`);
      expect(middle.bytes).toEqual(whole.subarray(1000, 2000));
      const open = await ranged(`bytes=${size - 100}-`);
      expect(open.res.status).toBe(206);
      expect(open.bytes).toEqual(whole.subarray(size - 100));
      const suffix = await ranged('bytes=-10');
      expect(suffix.res.headers.get('content-range')).toBe(
        `bytes ${size - 10}-${size - 1}/${size}`,
      );
      expect(suffix.bytes).toEqual(whole.subarray(size - 10));
      const beyond = await ranged(`bytes=${size}-`);
      expect(beyond.res.status).toBe(416);
      expect(beyond.res.headers.get('content-range')).toBe(`bytes */${size}`);

      const full = await boxA.get(`/api/v1/box/blobs/${sha}`);
      expect(full.headers.get('accept-ranges')).toBe('bytes');
      expect(full.headers.get('etag')).toBe(`"${sha}"`);
      expect(full.headers.get('content-length')).toBe(String(size));
      await full.arrayBuffer();

      // Validators: the ETag is the content address, so a cached copy is always current.
      const cached = await boxA.get(`/api/v1/box/blobs/${sha}`, { 'if-none-match': `"${sha}"` });
      expect(cached.status).toBe(304);
      const stale = await boxA.get(`/api/v1/box/blobs/${sha}`, {
        range: 'bytes=0-9',
        'if-range': '"something-else"',
      });
      expect(stale.status).toBe(200);
      expect(Buffer.from(await stale.arrayBuffer())).toEqual(whole);
      const head = await boxA.request('HEAD', `/api/v1/box/blobs/${sha}`);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(size));
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    });

    it('lets a box finish downloads of its previous manifest, not older ones', async () => {
      const gone = a.delivery.blobSha256;
      await t.call('PUT', `/api/v1/content-sets/${set1.id}/items`, {
        token,
        body: { trackIds: [b.id], graphicIds: [] },
      });
      await run();
      expect((await manifestOf(boxA)).manifest.tracks.map((x) => x.trackId)).toEqual([b.id]);
      expect((await boxA.get(`/api/v1/box/blobs/${gone}`)).status).toBe(200);
      await t.call('PUT', `/api/v1/content-sets/${set1.id}/items`, {
        token,
        body: { trackIds: [b.id], graphicIds: [slide.id] },
      });
      await run();
      expect((await boxA.get(`/api/v1/box/blobs/${gone}`)).status).toBe(404);
    }, 60_000);

    it('issues an empty manifest when a box loses its last set', async () => {
      const before = (await manifestOf(boxB)).manifest;
      const sets = (await t.call('GET', '/api/v1/content-sets', { token })).body as {
        sets: { id: number; name: string }[];
      };
      const onlyB = sets.sets.find((s) => s.name === 'Only B')!;
      const res = await t.call('DELETE', `/api/v1/content-sets/${onlyB.id}/boxes/${boxB.id}`, {
        token,
      });
      expect(res.status).toBe(200);
      await run();
      const after = (await manifestOf(boxB)).manifest;
      expect(after).toMatchObject({ version: before.version + 1, tracks: [], graphics: [] });
      const again = await t.call('DELETE', `/api/v1/content-sets/${onlyB.id}/boxes/${boxB.id}`, {
        token,
      });
      expect(again.status).toBe(404);
    }, 60_000);

    it('gives a box enrolled into a route with sets its manifest, and tells it over the channel', async () => {
      const route = await t.call('POST', '/api/v1/routes', {
        token: t.adminToken,
        body: { name: 'Harbour' },
      });
      const routeId = (route.body as { id: number }).id;
      const set3 = await makeSet(t, token, 'Harbour set', { trackIds: [c.id] });
      expect(
        (await t.call('PUT', `/api/v1/content-sets/${set3.id}/routes/${routeId}`, { token }))
          .status,
      ).toBe(200);
      await run();
      const code = await t.call('POST', '/api/v1/enrollment-codes', {
        token: t.adminToken,
        body: { routeId },
      });
      expect(code.status).toBe(201);
      const fake = new FakeBox({ baseUrl: t.url, now: () => t.clock.now() });
      await fake.enroll((code.body as { code: string }).code);
      await t.server.context.content.manifests.idle();
      await run();
      const res = await fake.request('GET', '/api/v1/box/manifest');
      expect(res.status).toBe(200);
      const signed = res.body as SignedManifest;
      expect(verifySignedManifest(signed, fake.serverSigningPublicKey!)).toBe(true);
      expect(signed.manifest.tracks.map((x) => x.trackId)).toEqual([c.id]);

      // At hello the box hears of the manifest it has not acknowledged; later of each new one.
      const channel = await fake.connect({ ackedManifestVersion: 0 });
      expect(await channel.next('manifest-notice')).toMatchObject({ version: 1 });
      await t.call('PUT', `/api/v1/content-sets/${set3.id}/items`, {
        token,
        body: { trackIds: [c.id, b.id], graphicIds: [] },
      });
      await run();
      expect(await channel.next('manifest-notice')).toMatchObject({ version: 2 });
      channel.close();

      // Moved off the route: its sets go with it (the route change is another module's).
      await t.call('PUT', `/api/v1/boxes/${fake.id}/route`, {
        token: t.adminToken,
        body: { routeId: null },
      });
      await run();
      const moved = await fake.request('GET', '/api/v1/box/manifest');
      expect((moved.body as SignedManifest).manifest).toMatchObject({ version: 3, tracks: [] });
    }, 60_000);

    it('refuses bad set changes with 4xx and changes nothing', async () => {
      const url = `/api/v1/content-sets/${set1.id}`;
      const before = (await t.call('GET', url, { token })).body;
      for (const [method, suffix, body, status] of [
        ['PUT', '/items', { trackIds: ['trk-00000000000000000000'], graphicIds: [] }, 400],
        ['PUT', '/items', { trackIds: [], graphicIds: ['gfx-00000000000000000000'] }, 400],
        ['PUT', '/items', { trackIds: 'x', graphicIds: [] }, 400],
        ['PUT', '/boxes/box-unknown', undefined, 404],
        ['PUT', '/routes/99999', undefined, 404],
        ['DELETE', '/routes/99999', undefined, 404],
        ['PATCH', '', { name: '' }, 400],
      ] as const) {
        const res = await t.call(method, url + suffix, { token, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${suffix}`).toBe(status);
      }
      expect((await t.call('GET', url, { token })).body).toEqual(before);
      expect(
        (await t.call('POST', '/api/v1/content-sets', { token, body: { name: 'Classics' } }))
          .status,
      ).toBe(409);
      expect((await t.call('GET', '/api/v1/content-sets/99999', { token })).status).toBe(404);
      const tech = await t.createStaff('tech', ['technician']);
      expect((await t.call('GET', '/api/v1/content-sets', { token: tech.token })).status).toBe(403);
      expect((await run()).issued).toBe(0);
    });

    it('stops serving a revoked box and issues it nothing more', async () => {
      await t.server.context.link.revokeBox(boxA.id, { userId: t.adminId, username: 'admin' });
      expect((await boxA.get('/api/v1/box/manifest')).status).toBe(403);
      await t.call('PUT', `/api/v1/content-sets/${set1.id}/items`, {
        token,
        body: { trackIds: [a.id, b.id, c.id], graphicIds: [] },
      });
      expect((await run()).issued).toBe(0);
    });

    it('renews manifests before they expire (injected clock), re-using the wrapped keys', async () => {
      const boxC = await addTestBox(t);
      await t.server.context.content.sets.assignBox(set1.id, boxC.id, {
        userId: t.adminId,
        username: 'admin',
      });
      await run();
      const before = (await manifestOf(boxC)).manifest;
      expect(before.tracks).toHaveLength(3);
      t.clock.advance(22 * DAY); // 8 days left: not yet
      expect((await run()).issued).toBe(0);
      t.clock.advance(2 * DAY); // 6 days left: renewed
      const report = await run();
      expect(report.issued).toBeGreaterThanOrEqual(1);
      const signed = await manifestOf(boxC);
      expect(verifySignedManifest(signed, serverKey)).toBe(true);
      const after = signed.manifest;
      expect(after.version).toBe(before.version + 1);
      expect(Date.parse(after.issuedAt)).toBe(t.clock.now());
      expect(Date.parse(after.expiresAt)).toBe(t.clock.now() + 30 * DAY);
      expect(after.tracks).toEqual(before.tracks);
      expect((await run()).issued).toBe(0);
    }, 60_000);
  });
}
