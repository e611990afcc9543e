import { testDatabaseTargets } from '@jukebox/db/testing';
import { b64uDecode } from '@jukebox/crypto';
import { MAX_CONTROL_MESSAGE_BYTES } from '@jukebox/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { BoxLinkStatus } from './api-schemas.js';
import {
  enrollFakeBox,
  FakeBox,
  type FakeChannel,
  playRecord,
  statusRecord,
} from './test-support/fake-box.js';

const FIVE_MINUTES = 5 * 60_000;

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`control channel on ${target.dialect}`, () => {
    let t: TestServer;
    const open: FakeChannel[] = [];
    const track = (c: FakeChannel) => (open.push(c), c);
    const link = () => t.server.context.link;

    beforeAll(async () => {
      t = await startTestServer(target);
    });
    afterEach(() => {
      for (const c of open.splice(0)) c.close();
      link().setManifestVersionSource(async () => 0);
    });
    afterAll(() => t?.close());

    const refusal = async (channel: FakeChannel) => {
      const error = await channel.next('error');
      const closed = await channel.closed;
      return { code: error.code, message: error.message, close: closed.code };
    };
    const status = async (boxId: string) =>
      (await t.call('GET', `/api/v1/boxes/${boxId}/link`, { token: t.adminToken }))
        .body as BoxLinkStatus;

    it('challenges, welcomes, acks at once, and sends a notice when a manifest is newer', async () => {
      const box = await enrollFakeBox(t);
      link().setManifestVersionSource(async (boxId) => (boxId === box.id ? 4 : 0));
      const channel = track(await box.openChannel());
      expect(b64uDecode(channel.nonce!).length).toBeGreaterThanOrEqual(16);
      channel.sendHello({ ackedManifestVersion: 2, lastTelemetrySeq: 9, softwareVersion: '1.2.3' });
      const welcome = await channel.next('welcome');
      expect(welcome).toEqual({
        type: 'welcome',
        boxId: box.id,
        serverTime: new Date(t.clock.now()).toISOString(),
      });
      expect(await channel.next('ack')).toEqual({ type: 'ack', seq: 0 });
      expect(await channel.next('manifest-notice')).toEqual({
        type: 'manifest-notice',
        version: 4,
      });
      // The order on the wire was welcome, ack, notice: nothing else is left.
      expect(channel.queue).toEqual([]);
      expect(channel.malformed).toEqual([]);
      const s = await status(box.id);
      expect(s).toMatchObject({
        connected: true,
        softwareVersion: '1.2.3',
        ackedManifestVersion: 2,
        lastTelemetrySeq: 9,
        ackedSeq: 0,
      });
      expect(link().channel.isConnected(box.id)).toBe(true);
    });

    it('sends no notice to a box that has the newest manifest, and notices later pushes', async () => {
      const box = await enrollFakeBox(t);
      link().setManifestVersionSource(async () => 3);
      const channel = track(await box.connect({ ackedManifestVersion: 3 }));
      await channel.next('ack');
      link().notifyManifest(box.id, 4);
      expect(await channel.next('manifest-notice')).toEqual({
        type: 'manifest-notice',
        version: 4,
      });
      expect(channel.queue).toEqual([]);
      // A box that is not connected: nothing happens.
      link().notifyManifest('box-not-connected', 5);
    });

    it('refuses a hello replayed on another connection (its nonce is not this one)', async () => {
      const box = await enrollFakeBox(t);
      const first = track(await box.openChannel());
      const hello = first.helloFor();
      first.close();
      const second = track(await box.openChannel());
      second.send(hello);
      expect(await refusal(second)).toMatchObject({ code: 'bad_signature', close: 1008 });
    });

    it('refuses an unknown box, a signature by another key, a skewed clock, a revoked box', async () => {
      const stranger = new FakeBox({ baseUrl: t.url, now: () => t.clock.now() });
      stranger.boxId = 'box-ffffffffffffffffffff';
      const a = track(await stranger.openChannel());
      a.sendHello();
      expect(await refusal(a)).toMatchObject({ code: 'unknown_box' });

      const box = await enrollFakeBox(t);
      const impostor = new FakeBox({ baseUrl: t.url, now: () => t.clock.now() });
      impostor.boxId = box.id;
      const b = track(await impostor.openChannel());
      b.sendHello();
      expect(await refusal(b)).toMatchObject({ code: 'bad_signature' });

      for (const skew of [FIVE_MINUTES + 1000, -FIVE_MINUTES - 1000]) {
        const c = track(await box.openChannel());
        c.sendHello({ timestamp: t.clock.now() + skew });
        const r = await refusal(c);
        expect(r.code).toBe('clock_skew');
        expect(r.message).toContain(skew > 0 ? '301 s' : '-301 s');
      }

      const revoked = await enrollFakeBox(t);
      await t.call('POST', `/api/v1/boxes/${revoked.id}/revoke`, { token: t.adminToken });
      const d = track(await revoked.openChannel());
      d.sendHello();
      expect(await refusal(d)).toMatchObject({ code: 'revoked' });
    });

    it('refuses anything but a hello first: other messages, bad JSON, binary frames', async () => {
      const box = await enrollFakeBox(t);
      for (const frame of [
        { type: 'pong' },
        { type: 'telemetry', records: [playRecord(1)] },
        'not json',
        JSON.stringify({ type: 'hello', boxId: box.id }),
        Buffer.from([1, 2, 3]),
      ]) {
        const channel = track(await box.openChannel());
        channel.send(frame);
        expect(await refusal(channel)).toMatchObject({ code: 'bad_message', close: 1008 });
      }
    });

    it('closes the channel with error revoked the moment a box is revoked', async () => {
      const box = await enrollFakeBox(t);
      const channel = track(await box.connect());
      await channel.next('ack');
      const res = await t.call('POST', `/api/v1/boxes/${box.id}/revoke`, { token: t.adminToken });
      expect(res.status).toBe(200);
      expect(await refusal(channel)).toEqual({
        code: 'revoked',
        message: 'this box has been revoked',
        close: 1008,
      });
      await expect.poll(() => link().channel.isConnected(box.id)).toBe(false);
      expect((await box.uploadTelemetry([playRecord(1)])).status).toBe(403);
    });

    it('closes a channel whose box another server process revoked, at the next sweep', async () => {
      const box = await enrollFakeBox(t);
      const channel = track(await box.connect());
      await channel.next('ack');
      await t.server.context.db
        .updateTable('boxes')
        .set({ status: 'revoked', revoked_at: t.clock.now() })
        .where('id', '=', box.id)
        .execute();
      await link().channel.sweep();
      expect(await refusal(channel)).toMatchObject({ code: 'revoked' });
    });

    it('lets a second connection of a box replace the first', async () => {
      const box = await enrollFakeBox(t);
      const first = track(await box.connect());
      const second = track(await box.connect());
      const closed = await first.closed;
      expect(closed.code).toBe(4000);
      link().notifyManifest(box.id, 2);
      expect(await second.next('manifest-notice')).toMatchObject({ version: 2 });
      expect(link().channel.isConnected(box.id)).toBe(true);
      // The replaced socket's close does not mark the box disconnected.
      expect((await status(box.id)).connected).toBe(true);
      second.close();
      await second.closed;
      await expect.poll(() => link().channel.isConnected(box.id)).toBe(false);
      await expect.poll(async () => (await status(box.id)).connected).toBe(false);
    });

    it('pings at each sweep and drops a box silent past the idle timeout', async () => {
      const { idleTimeoutMs } = link().timings;
      const quiet = await enrollFakeBox(t);
      const chatty = await enrollFakeBox(t);
      const q = track(await quiet.connect());
      const c = track(await chatty.connect());
      await link().channel.sweep();
      expect(await q.next('ping')).toEqual({ type: 'ping' });
      await c.next('ping');
      t.clock.advance(idleTimeoutMs - 1000);
      c.send({ type: 'pong' });
      // Wait until the server has read the pong (it answers the next frame in order).
      c.send({ type: 'bogus' });
      await c.next('error');
      t.clock.advance(2000);
      await link().channel.sweep();
      expect((await q.closed).code).toBe(1006);
      expect(c.isClosed).toBe(false);
      await c.next('ping');
      const s = await status(chatty.id);
      expect(s.connected).toBe(true);
      expect(Date.parse(s.lastSeenAt!)).toBe(t.clock.now());
    });

    it('drops a connection that never says hello, after the handshake timeout', async () => {
      const box = await enrollFakeBox(t);
      const channel = track(await box.openChannel());
      await link().channel.sweep();
      expect(channel.isClosed).toBe(false);
      t.clock.advance(link().timings.handshakeTimeoutMs + 1);
      await link().channel.sweep();
      await channel.closed;
    });

    it('keeps a status as the last status; a bad message gets an error but keeps the channel', async () => {
      const box = await enrollFakeBox(t);
      const channel = track(await box.connect());
      await channel.next('ack');
      channel.send({
        type: 'status',
        status: { ...statusRecord(1).data, libraryTracks: 42 } as object,
      });
      channel.send({ type: 'telemetry', records: [] });
      const error = await channel.next('error');
      expect(error.code).toBe('bad_message');
      expect(error.message).toContain('records');
      channel.send({ type: 'hello' });
      expect((await channel.next('error')).code).toBe('bad_message');
      channel.sendTelemetry([playRecord(1)]);
      expect(await channel.ackOf(1)).toBe(1);
      const s = await status(box.id);
      expect(s.lastStatus).toMatchObject({ libraryTracks: 42 });
      expect(s.ackedSeq).toBe(1);
      expect(channel.isClosed).toBe(false);
    });

    it('closes a channel sent a frame over MAX_CONTROL_MESSAGE_BYTES (1009)', async () => {
      const box = await enrollFakeBox(t);
      const channel = track(await box.connect());
      await channel.next('ack');
      channel.send('x'.repeat(MAX_CONTROL_MESSAGE_BYTES + 1));
      expect((await channel.closed).code).toBe(1009);
      await expect.poll(() => link().channel.isConnected(box.id)).toBe(false);
    });

    it('counts connections, refusals and acks in /metrics', async () => {
      const box = await enrollFakeBox(t);
      const channel = track(await box.connect());
      await channel.next('ack');
      const text = (await t.call('GET', '/metrics')).body as string;
      const connected = Number(/^fleet_box_connections (\d+)$/m.exec(text)?.[1]);
      expect(connected).toBe(link().channel.size);
      expect(connected).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^fleet_box_handshake_refusals_total\{code="bad_signature"\} [1-9]/m);
      expect(text).toMatch(/^fleet_box_acks_sent_total [1-9]/m);
    });
  });
}
