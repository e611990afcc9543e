import { testDatabaseTargets } from '@jukebox/db/testing';
import type { TelemetryRecord } from '@jukebox/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { BoxLinkStatus } from './api-schemas.js';
import {
  enrollFakeBox,
  type FakeBox,
  ledgerRecord,
  playRecord,
  songRequestRecord,
  statusRecord,
} from './test-support/fake-box.js';

/** Records 1..n cycling through the four kinds. */
function mixed(from: number, to: number): TelemetryRecord[] {
  const out: TelemetryRecord[] = [];
  for (let seq = from; seq <= to; seq++) {
    switch (seq % 4) {
      case 0:
        out.push(playRecord(seq, { catalogId: `trk-${seq % 3}` }));
        break;
      case 1:
        out.push(ledgerRecord(seq));
        break;
      case 2:
        out.push(songRequestRecord(seq, seq % 8 === 2 ? 'Café  del MAR' : 'cafe del mar'));
        break;
      default:
        out.push(playRecord(seq, { catalogId: undefined, title: 'Local Song', artist: 'Band' }));
    }
  }
  return out;
}

const pick = (records: TelemetryRecord[], seqs: number[]) =>
  records.filter((r) => seqs.includes(r.seq));

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`telemetry storage on ${target.dialect}`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(target);
    });
    afterAll(() => t?.close());

    const db = () => t.server.context.db;

    /** Everything derived for a box, to compare with what the records say. */
    async function derived(boxId: string) {
      const count = async (
        table: 'telemetry_records' | 'plays' | 'ledger_mirror' | 'song_requests',
      ) =>
        Number(
          (
            await db()
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('box_id', '=', boxId)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const counts = await db()
        .selectFrom('play_counts')
        .select(['track_key', 'plays', 'completed_plays', 'paid_credits'])
        .where('box_id', '=', boxId)
        .orderBy('track_key')
        .execute();
      return {
        records: await count('telemetry_records'),
        plays: await count('plays'),
        ledger: await count('ledger_mirror'),
        requests: await count('song_requests'),
        counts,
      };
    }

    /** What `derived` must say after records 1..n of `mixed` were stored once each. */
    function expected(n: number) {
      const all = mixed(1, n);
      const plays = all.filter((r) => r.kind === 'play');
      const byKey = new Map<string, number>();
      for (const p of plays) {
        const key = p.data.catalogId ? `catalog:${p.data.catalogId}` : 'local:band|local song';
        byKey.set(key, (byKey.get(key) ?? 0) + 1);
      }
      return {
        records: n,
        plays: plays.length,
        ledger: all.filter((r) => r.kind === 'ledger').length,
        requests: all.filter((r) => r.kind === 'song-request').length,
        counts: [...byKey]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, plays]) => ({
            track_key: key,
            plays,
            completed_plays: plays,
            paid_credits: plays,
          })),
      };
    }

    it('acks the contiguous prefix through duplicates, gaps and batches out of order', async () => {
      const box = await enrollFakeBox(t);
      const channel = await box.connect();
      expect(await channel.ackOf(0)).toBe(0);
      const all = mixed(1, 20);
      const steps: [number[], number][] = [
        [[1, 2, 3], 3],
        [[6, 7], 3], // a gap: 4 and 5 missing
        [[1, 2, 3], 3], // a replay of stored records
        [[9, 10], 3],
        [[4], 4],
        [[5], 7], // fills the gap: 1..7 stored, 8 missing
        [[2, 5, 6, 7, 8], 10], // overlaps stored ones, fills 8; 9 and 10 were stored
        [[12, 13], 10],
        [[11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 20],
        [[1, 20], 20],
      ];
      for (const [seqs, ack] of steps) {
        channel.sendTelemetry(pick(all, seqs));
        expect(await channel.ackOf(0), `after ${seqs.join(',')}`).toBe(ack);
      }
      expect(channel.queue).toEqual([]);
      expect(await derived(box.id)).toEqual(expected(20));
      channel.close();
      // A new connection learns the ack at once.
      const again = await box.connect({ lastTelemetrySeq: 20 });
      expect(await again.ackOf(0)).toBe(20);
      again.close();
    });

    it('stores the same records sent over HTTP and the channel once', async () => {
      const box = await enrollFakeBox(t);
      const all = mixed(1, 12);
      const up = async (seqs: number[]) => {
        const res = await box.uploadTelemetry(pick(all, seqs));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return (res.body as { ack: number }).ack;
      };
      expect(await up([1, 2, 3, 4])).toBe(4);
      expect(await up([1, 2, 3, 4])).toBe(4);
      expect(await up([7, 8])).toBe(4);
      const channel = await box.connect();
      expect(await channel.ackOf(0)).toBe(4);
      channel.sendTelemetry(pick(all, [3, 4, 5, 6]));
      expect(await channel.ackOf(5)).toBe(8);
      expect(await up([5, 6, 7, 8, 9, 10, 11, 12])).toBe(12);
      channel.close();
      expect(await derived(box.id)).toEqual(expected(12));
    });

    it('keeps counts exact when overlapping batches arrive at the same time', async () => {
      const box = await enrollFakeBox(t);
      const all = mixed(1, 40);
      const batches = [
        [1, 10],
        [5, 20],
        [1, 40],
        [15, 30],
        [21, 40],
        [1, 5],
      ].map(([a, b]) => all.slice(a! - 1, b));
      const results = await Promise.all(batches.map((records) => box.uploadTelemetry(records)));
      for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      // Every record is stored once; the last ack to be computed covers them all.
      expect(await derived(box.id)).toEqual(expected(40));
      expect(Math.max(...results.map((r) => (r.body as { ack: number }).ack))).toBe(40);
      expect((await box.uploadTelemetry(pick(all, [40]))).body).toEqual({ ack: 40 });
    });

    it('stores full batches in several statements per table and counts each record once', async () => {
      const box = await enrollFakeBox(t);
      const all = mixed(1, 1000);
      const up = async (from: number, to: number) => {
        const res = await box.uploadTelemetry(all.slice(from - 1, to));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return (res.body as { ack: number }).ack;
      };
      expect(await up(1, 500)).toBe(500);
      expect(await derived(box.id)).toEqual(expected(500));
      // A replay of the whole batch, then one that straddles the ack.
      expect(await up(1, 500)).toBe(500);
      expect(await up(301, 800)).toBe(800);
      // Past a gap (801..803 missing): stored, not acked; then the gap is filled.
      expect(await up(804, 1000)).toBe(800);
      expect(await up(790, 1000)).toBe(1000);
      expect(await derived(box.id)).toEqual(expected(1000));
    });

    it('stores records given out of order once each, the first of a repeated seq winning', async () => {
      const box = await enrollFakeBox(t);
      const [r1, r2, r3, r4] = mixed(1, 4) as [
        TelemetryRecord,
        TelemetryRecord,
        TelemetryRecord,
        TelemetryRecord,
      ];
      // Not possible on the wire (the schema wants increasing seqs), but the store is shared
      // with other callers (bundles): it must not count a record twice either way.
      const other = playRecord(2, { catalogId: 'trk-other' });
      const link = t.server.context.link;
      expect(await link.storeTelemetry(box.id, [r3, r1, r2, other, r2])).toBe(3);
      expect(await link.storeTelemetry(box.id, [r4, r4])).toBe(4);
      expect(await derived(box.id)).toEqual(expected(4));
    });

    it('keeps the newest status and counts requests by their normalised text', async () => {
      const box = await enrollFakeBox(t);
      const at = (m: number) => Date.UTC(2026, 0, 15, 10, m);
      await box.uploadTelemetry([
        statusRecord(1, { libraryTracks: 1 }, at(1)),
        statusRecord(2, { libraryTracks: 2 }, at(5)),
      ]);
      // An older status uploaded later does not win.
      await box.uploadTelemetry([statusRecord(3, { libraryTracks: 3 }, at(3))]);
      const s = (await t.call('GET', `/api/v1/boxes/${box.id}/link`, { token: t.adminToken }))
        .body as BoxLinkStatus;
      expect(s.lastStatus?.libraryTracks).toBe(2);
      expect(s.lastStatusAt).toBe(new Date(at(5)).toISOString());
      expect(s.ackedSeq).toBe(3);

      await box.uploadTelemetry([
        songRequestRecord(4, 'Ça  Plane pour   MOI', at(10)),
        songRequestRecord(5, 'ca plane pour moi', at(11)),
        songRequestRecord(6, 'Something Else', at(12)),
      ]);
      await box.uploadTelemetry([songRequestRecord(5, 'ca plane pour moi', at(11))]);
      const counts = await db()
        .selectFrom('song_request_counts')
        .selectAll()
        .where('normalized', '=', 'ca plane pour moi')
        .executeTakeFirstOrThrow();
      expect(counts).toMatchObject({
        sample_text: 'Ça  Plane pour   MOI',
        requests: 2,
        first_at: at(10),
        last_at: at(11),
      });
    });

    it('mirrors ledger rows field by field', async () => {
      const box = await enrollFakeBox(t);
      await box.uploadTelemetry([
        ledgerRecord(1, {
          entrySeq: 77,
          kind: 'spend',
          credits: -1,
          valueCents: undefined,
          denomination: undefined,
          ref: 'queue:12',
          balanceAfter: 3,
        }),
      ]);
      const row = await db()
        .selectFrom('ledger_mirror')
        .selectAll()
        .where('box_id', '=', box.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        seq: 1,
        entry_seq: 77,
        kind: 'spend',
        credits: -1,
        value_cents: null,
        ref: 'queue:12',
        balance_after: 3,
      });
    });

    it('refuses malformed batches over HTTP (400) and the channel (bad_message), storing nothing', async () => {
      const box = await enrollFakeBox(t);
      const good = playRecord(1);
      const bad: unknown[] = [
        { records: [] },
        { records: [good, { ...playRecord(2), seq: 1 }] },
        { records: [{ ...good, kind: 'coin' }] },
        { records: [{ ...good, seq: 0 }] },
        { records: [{ ...good, at: 'yesterday' }] },
        { records: [{ ...good, data: { ...good.data, title: '' } }] },
        { records: Array.from({ length: 501 }, (_, i) => playRecord(i + 1)) },
        { records: [good], extra: true },
        [good],
        '{"records":',
      ];
      for (const body of bad) {
        const res = await box.request('POST', '/api/v1/box/telemetry', { body });
        expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      }
      const channel = await box.connect();
      await channel.ackOf(0);
      for (const body of bad.slice(0, 7)) {
        channel.send({ type: 'telemetry', ...(body as object) });
        expect((await channel.next('error')).code).toBe('bad_message');
      }
      channel.close();
      expect((await derived(box.id)).records).toBe(0);
    });

    it('counts stored records by kind in /metrics, replays not included', async () => {
      const read = async () => {
        const text = (await t.call('GET', '/metrics')).body as string;
        return Number(
          /^fleet_telemetry_records_stored_total\{kind="ledger"\} (\d+)$/m.exec(text)?.[1] ?? 0,
        );
      };
      const before = await read();
      const box: FakeBox = await enrollFakeBox(t);
      await box.uploadTelemetry([ledgerRecord(1), ledgerRecord(2)]);
      await box.uploadTelemetry([ledgerRecord(1), ledgerRecord(2)]);
      expect(await read()).toBe(before + 2);
    });
  });
}
