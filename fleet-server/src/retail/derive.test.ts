import { testDatabaseTargets } from '@jukebox/db/testing';
import type { OrderStatus, TelemetryRecord } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollFakeBox, type FakeBox } from '../box-link/test-support/fake-box.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { RetailOrderDetail } from './api-schemas.js';
import {
  burnEvent,
  CUSTOMER,
  orderRecord,
  PLACED,
  recordingRecord,
} from './test-support/records.js';

const minute = (m: number) => new Date(PLACED + m * 60_000).toISOString();

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`retail orders from telemetry on ${target.dialect}`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(target);
    });
    afterAll(() => t?.close());

    const db = () => t.server.context.db;

    async function upload(box: FakeBox, records: TelemetryRecord[]): Promise<number> {
      const res = await box.uploadTelemetry(records);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as { ack: number }).ack;
    }

    async function detail(trackingNumber: string): Promise<RetailOrderDetail> {
      const res = await t.call('GET', `/api/v1/retail/orders/${trackingNumber}`, {
        token: t.adminToken,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as RetailOrderDetail;
    }

    /** Every retail row of a box, to show that a replay changes nothing. */
    async function snapshot(boxId: string) {
      const orders = await db()
        .selectFrom('retail_orders')
        .selectAll()
        .where('box_id', '=', boxId)
        .orderBy('id')
        .execute();
      const tracks = await db()
        .selectFrom('retail_order_tracks')
        .selectAll()
        .where('order_id', 'in', orders.map((o) => o.id).concat([0]))
        .orderBy('order_id')
        .orderBy('position')
        .execute();
      const events = await db()
        .selectFrom('retail_burn_events')
        .selectAll()
        .where('box_id', '=', boxId)
        .orderBy('seq')
        .execute();
      const recordings = await db()
        .selectFrom('retail_recordings')
        .selectAll()
        .where('box_id', '=', boxId)
        .orderBy('seq')
        .execute();
      return { orders, tracks, events, recordings };
    }

    it('derives the order and follows its status through every step', async () => {
      const box = await enrollFakeBox(t, { name: 'Disc Shop' });
      const tn = '7K3M-9QXP-2D4F';
      await upload(box, [orderRecord(1, tn), burnEvent(2, tn, 'queued', 0)]);
      const placed = await detail(tn);
      expect(placed).toMatchObject({
        trackingNumber: tn,
        boxId: box.id,
        boxName: 'Disc Shop',
        title: 'Road Trip Mix',
        trackCount: 2,
        durationMs: 571_500,
        price: 899,
        currency: 'EUR',
        voucherCredits: 100,
        status: 'queued',
        statusAt: minute(0),
        placedAt: minute(0),
        attempt: 1,
        failedAttempts: 0,
        customer: CUSTOMER,
        awaitingRetry: false,
      });
      expect(placed.tracks).toEqual([
        {
          position: 1,
          localTrackId: 11,
          catalogId: 'trk-1',
          isrc: null,
          title: 'Heroes',
          artist: 'David Bowie',
          durationMs: 371_000,
        },
        {
          position: 2,
          localTrackId: 12,
          catalogId: null,
          isrc: null,
          title: 'Our Song',
          artist: 'The Locals',
          durationMs: 200_500,
        },
      ]);

      const steps: [TelemetryRecord[], OrderStatus, string][] = [
        [
          [burnEvent(3, tn, 'burner-chosen', 1), burnEvent(4, tn, 'image-assembled', 2)],
          'assembling',
          minute(1),
        ],
        [
          [burnEvent(5, tn, 'downloads-paused', 2), burnEvent(6, tn, 'burn-started', 3)],
          'burning',
          minute(3),
        ],
        [[burnEvent(7, tn, 'burn-finished', 8)], 'verifying', minute(8)],
        [[burnEvent(8, tn, 'verified', 9), recordingRecord(9, tn)], 'done', minute(9)],
        [
          [burnEvent(10, tn, 'downloads-resumed', 9), burnEvent(11, tn, 'printed', 10)],
          'done',
          minute(9),
        ],
      ];
      for (const [records, status, statusAt] of steps) {
        await upload(box, records);
        const d = await detail(tn);
        expect({ status: d.status, statusAt: d.statusAt }, records[0]!.kind).toEqual({
          status,
          statusAt,
        });
      }
      const done = await detail(tn);
      expect(done).toMatchObject({
        assembledAt: minute(2),
        burnStartedAt: minute(3),
        burnFinishedAt: minute(8),
        doneAt: minute(9),
        refundedAt: null,
        updatedAt: minute(10),
      });
      expect(done.events.map((e) => [e.seq, e.kind])).toEqual([
        [2, 'queued'],
        [3, 'burner-chosen'],
        [4, 'image-assembled'],
        [5, 'downloads-paused'],
        [6, 'burn-started'],
        [7, 'burn-finished'],
        [8, 'verified'],
        [10, 'downloads-resumed'],
        [11, 'printed'],
      ]);
      expect(done.events[0]).toEqual({
        seq: 2,
        at: minute(0),
        kind: 'queued',
        attempt: 1,
        burnerId: 'image-1',
        detail: null,
      });
      expect(done.recordings).toEqual([
        {
          recordingNumber: 1,
          recordingId: 'REC-0001',
          burnerId: 'image-1',
          mediaSerial: null,
          startedAt: minute(3),
          finishedAt: minute(9),
        },
      ]);
    });

    it('changes nothing when records come again, by HTTP or the channel, alone or mixed', async () => {
      const box = await enrollFakeBox(t);
      const tn = 'AAAA-BBBB-CCCC';
      const records = [
        orderRecord(1, tn),
        burnEvent(2, tn, 'queued', 0),
        burnEvent(3, tn, 'image-assembled', 1),
        burnEvent(4, tn, 'burn-started', 2),
        burnEvent(5, tn, 'failed', 3, { detail: 'write error' }),
        burnEvent(6, tn, 'retry', 3, { attempt: 2 }),
      ];
      expect(await upload(box, records)).toBe(6);
      const before = await snapshot(box.id);
      expect(before.orders).toHaveLength(1);
      expect(before.orders[0]).toMatchObject({ status: 'queued', attempt: 2, failed_attempts: 1 });
      expect(before.tracks).toHaveLength(2);
      expect(before.events).toHaveLength(5);

      expect(await upload(box, records)).toBe(6);
      expect(await upload(box, [records[0]!, records[4]!, records[5]!])).toBe(6);
      const channel = await box.connect();
      channel.sendTelemetry(records.slice(1, 4));
      expect(await channel.ackOf(6)).toBe(6);
      channel.close();
      expect(await snapshot(box.id)).toEqual(before);

      // A second `order` record (another seq) for the same number is stored, never applied.
      expect(
        await upload(box, [orderRecord(7, tn, { title: 'Changed', customer: undefined })]),
      ).toBe(7);
      expect(await snapshot(box.id)).toEqual(before);
    });

    it('keeps events and recordings that come before their order, and joins them to it', async () => {
      const box = await enrollFakeBox(t);
      const tn = 'DDDD-EEEE-FFFF';
      // Seqs 2..6 first (say, an HTTP upload overtook the batch with the order)...
      expect(
        await upload(box, [
          burnEvent(2, tn, 'queued', 0),
          burnEvent(3, tn, 'image-assembled', 1),
          burnEvent(4, tn, 'burn-started', 2),
          burnEvent(5, tn, 'burn-finished', 6),
          recordingRecord(6, tn),
        ]),
      ).toBe(0);
      expect((await snapshot(box.id)).orders).toEqual([]);
      expect(
        (await t.call('GET', `/api/v1/retail/orders/${tn}`, { token: t.adminToken })).status,
      ).toBe(404);
      // ...then the order, then the last event.
      expect(await upload(box, [orderRecord(1, tn)])).toBe(6);
      const joined = await detail(tn);
      expect(joined.status).toBe('verifying');
      expect(joined.events).toHaveLength(4);
      expect(joined.recordings).toHaveLength(1);
      await upload(box, [burnEvent(7, tn, 'verified', 7)]);
      expect((await detail(tn)).status).toBe('done');
    });

    it('refunds an order whose attempts all failed', async () => {
      const box = await enrollFakeBox(t);
      const tn = 'GGGG-HHHH-JJJJ';
      await upload(box, [
        orderRecord(1, tn, { voucherCredits: undefined, customer: undefined }),
        burnEvent(2, tn, 'burn-started', 1),
        burnEvent(3, tn, 'failed', 2),
      ]);
      expect(await detail(tn)).toMatchObject({
        status: 'burning',
        awaitingRetry: true,
        voucherCredits: 0,
        customer: { name: null, email: null },
      });
      await upload(box, [
        burnEvent(4, tn, 'retry', 2, { attempt: 2 }),
        burnEvent(5, tn, 'burn-started', 3, { attempt: 2, burnerId: 'image-2' }),
        burnEvent(6, tn, 'failed', 4, { attempt: 2 }),
        burnEvent(7, tn, 'refunded', 4, { attempt: 2 }),
      ]);
      expect(await detail(tn)).toMatchObject({
        status: 'refunded',
        statusAt: minute(4),
        refundedAt: minute(4),
        attempt: 2,
        failedAttempts: 2,
        awaitingRetry: false,
      });
    });

    it('keeps the same tracking number of two boxes apart', async () => {
      const a = await enrollFakeBox(t, { name: 'A' });
      const b = await enrollFakeBox(t, { name: 'B' });
      const tn = 'KKKK-MMMM-NNNN';
      await upload(a, [orderRecord(1, tn), burnEvent(2, tn, 'burn-started', 1)]);
      await upload(b, [orderRecord(1, tn, { title: 'Other' }), burnEvent(2, tn, 'refunded', 1)]);
      const rows = await db()
        .selectFrom('retail_orders')
        .select(['box_id', 'status', 'title'])
        .where('tracking_number', '=', tn)
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { box_id: a.id, status: 'burning', title: 'Road Trip Mix' },
        { box_id: b.id, status: 'refunded', title: 'Other' },
      ]);
    });
  });
}
