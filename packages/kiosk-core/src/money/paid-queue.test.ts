import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from '../library/index.js';
import { makeAudio } from '../library/test-support/audio.js';
import { memoryLog } from '../library/test-support/silent-log.js';
import { QueueStore } from '../queue/index.js';
import { CreditLedger } from './ledger.js';
import { PaidQueue } from './paid-queue.js';
import { captureLog } from './test-support/capture-log.js';
import { coin, testPricing } from './test-support/ledger-fixture.js';

let dir: string;
let db: Db;
let ledger: CreditLedger;
let queue: QueueStore;
let paid: PaidQueue;
let a: number;
let b: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kc-paid-'));
  db = openDatabase(join(dir, 'box.db'));
  const lib = new Library(db, {
    dataDir: dir,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  mkdirSync(join(dir, 'music'));
  for (const t of ['A', 'B']) {
    makeAudio(join(dir, 'music', `${t}.mp3`), { tags: { title: `Song ${t}` }, seconds: 0.3 });
  }
  await lib.importFolder(join(dir, 'music'));
  [a, b] = lib.listTracks({ sort: 'title', offset: 0, limit: 10 }).items.map((t) => t.id) as [
    number,
    number,
  ];
  ledger = new CreditLedger(db, testPricing);
  queue = new QueueStore(db, { maxEntries: 3 });
  // testPricing: a song costs 1 credit, "play next" 3.
  paid = new PaidQueue(db, queue, ledger, testPricing, captureLog().log);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PaidQueue', () => {
  it('refuses a pick without enough credits, says how many are missing, spends nothing', () => {
    expect(paid.pick(a, false)).toMatchObject({
      ok: false,
      error: { code: 'insufficient_credits', missingCredits: 1 },
    });
    // An unknown song is refused as such: the patron is not asked for money for it.
    expect(paid.pick(424242, false)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    ledger.creditFromDevice(coin(1));
    expect(paid.pick(a, true)).toMatchObject({
      ok: false,
      error: { code: 'insufficient_credits', missingCredits: 2 },
    });
    expect(ledger.balance()).toBe(1);
    expect(queue.list()).toEqual([]);
  });

  it('spends the price with the insert; "play next" goes ahead of plain picks', () => {
    ledger.creditFromDevice(coin(1, 100)); // 4 credits
    const first = paid.pick(a, false);
    const jump = paid.pick(b, true);
    expect(first).toMatchObject({ ok: true, value: { playNext: false } });
    expect(jump).toMatchObject({ ok: true, value: { playNext: true } });
    expect(ledger.balance()).toBe(0);
    expect(queue.list().map((e) => e.track.title)).toEqual(['Song B', 'Song A']);
    const spends = db
      .prepare<[], { credits: number; ref: string }>(
        "SELECT credits, ref FROM ledger WHERE kind = 'spend' ORDER BY seq",
      )
      .all();
    const ids = [first, jump].map((r) => (r.ok ? r.value.entryId : 0));
    expect(spends).toEqual([
      { credits: -1, ref: `queue:${ids[0]}` },
      { credits: -3, ref: `queue:${ids[1]}` },
    ]);
  });

  it('a pick the queue refuses spends nothing (one transaction)', () => {
    ledger.creditFromDevice(coin(1, 500)); // 22 credits
    for (let i = 0; i < 3; i++) expect(paid.pick(a, false).ok).toBe(true);
    expect(paid.pick(a, false)).toMatchObject({ ok: false, error: { code: 'queue_full' } });
    expect(paid.pick(424242, false)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(ledger.balance()).toBe(19);
  });

  it('on a box with no money devices, songs are free (free play)', () => {
    const free = new PaidQueue(
      db,
      queue,
      ledger,
      { ...testPricing, freePlay: undefined, devices: [] },
      captureLog().log,
    );
    const r = free.pick(a, false);
    expect(r.ok).toBe(true);
    expect(ledger.balance()).toBe(0);
    expect(free.refund(r.ok ? r.value.entryId : 0, 'x').refunded).toBe(0);
  });

  it('refunds a paid entry once; a free entry refunds nothing', () => {
    ledger.creditFromDevice(coin(1, 100));
    const r = paid.pick(a, true);
    if (!r.ok) throw new Error(r.error.message);
    expect(ledger.balance()).toBe(1);
    expect(paid.refund(r.value.entryId, 'decoder failed')).toEqual({ refunded: 3 });
    expect(paid.refund(r.value.entryId, 'decoder failed')).toMatchObject({ refunded: 0 });
    expect(ledger.balance()).toBe(4);
    const free = queue.add(b);
    expect(paid.refund(free.entryId, 'decoder failed')).toEqual({ refunded: 0, why: 'not paid' });
    expect(ledger.balance()).toBe(4);
  });

  it('a retried request id returns the entry already bought and charges nothing more', () => {
    ledger.creditFromDevice(coin(1)); // 1 credit
    expect(paid.previous('req-aaaa-0001', a)).toBeNull();
    const first = paid.pick(a, false, 'req-aaaa-0001');
    if (!first.ok) throw new Error(first.error.message);
    // The answer was lost with the connection; the UI sends the same pick again.
    const again = paid.previous('req-aaaa-0001', a);
    expect(again).toEqual(first);
    expect(ledger.balance()).toBe(0);
    expect(queue.list()).toHaveLength(1);
    // The same id for another song is a client bug, refused, and changes nothing.
    expect(paid.previous('req-aaaa-0001', b)).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    // A refused pick remembers nothing: its id may be used again once the money is in.
    expect(paid.pick(b, false, 'req-bbbb-0002')).toMatchObject({ ok: false });
    expect(paid.previous('req-bbbb-0002', b)).toBeNull();
    ledger.creditFromDevice(coin(2));
    expect(paid.pick(b, false, 'req-bbbb-0002').ok).toBe(true);
    expect(ledger.balance()).toBe(0);
    expect(queue.list()).toHaveLength(2);
  });
});
