import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { burnEventData, recordingData } from '@jukebox/protocol';
import { memoryLog } from '../library/test-support/silent-log.js';
import { BurnJobs } from './jobs.js';
import { RetailOrders } from './orders.js';
import { BurnStation, type BuildImage, type StationBurner } from './station.js';
import { retailFixture } from './test-support/fixture.js';

/*
 * The burn station's logic with stand-in drives (a physical burner cannot run here; the
 * cdrdao driver and the image burner are exercised for real in firmware-hal and in the retail
 * integration test). Each stand-in drive follows a script: succeed, or fail mid-write.
 */

let fx: ReturnType<typeof retailFixture> | undefined;
let station: BurnStation | undefined;
afterEach(async () => {
  await station?.close();
  station = undefined;
  fx?.close();
});

type Fate = 'ok' | 'fail' | 'hang';

function drive(id: string, fates: Fate[]): StationBurner & { burned: string[] } {
  const burned: string[] = [];
  return {
    id,
    driver: 'cdrdao',
    burned,
    async burn(image, { onProgress, signal }) {
      const fate = fates.shift() ?? 'ok';
      onProgress?.({ phase: 'writing', fraction: 0.5 });
      if (fate === 'hang') {
        await new Promise((_, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      if (fate === 'fail') throw new Error('Write error: the drive reported a medium error');
      burned.push(image.label);
      onProgress?.({ phase: 'writing', fraction: 1 });
      return { durationMs: 1000, mediaSerial: `${id}-disc`, outputDir: null, verified: true };
    },
  };
}

const buildImage: BuildImage = async (req) => {
  await mkdir(req.outDir, { recursive: true });
  const tocPath = path.join(req.outDir, 'disc.toc');
  await writeFile(tocPath, 'CD_DA\n');
  return { dir: req.outDir, tocPath, totalSectors: 1000 };
};

function setup(burners: StationBurner[], opts: { print?: 'ok' | 'fail' } = {}) {
  fx = retailFixture(
    [
      { title: 'One', durationMs: 200_000 },
      { title: 'Two', durationMs: 200_000 },
    ],
    { retail: { maxAttempts: 2 } },
  );
  const f = fx;
  const orders = new RetailOrders(f.db, f.ledger, f.outbox, f.config.retail, 'USD');
  const jobs = new BurnJobs(f.db, f.outbox);
  const gate = { pause: vi.fn(), resume: vi.fn() };
  const notices: string[] = [];
  const make = () =>
    new BurnStation({
      config: f.config.retail,
      orders,
      jobs,
      ledger: f.ledger,
      burners,
      buildImage,
      sourceOf: (t) => `/music/${t.trackId}.mp3`,
      print:
        opts.print === undefined
          ? null
          : async () => {
              if (opts.print === 'fail') throw new Error('lp: printer is on fire');
              return { printed: true, detail: 'request id is shop-1' };
            },
      downloads: gate,
      workDir: path.join(f.dir, 'work'),
      shopName: 'Test Shop',
      log: memoryLog(),
      changed: () => undefined,
      notify: (_level, message) => notices.push(message),
      formatPrice: (c) => `$${(c / 100).toFixed(2)}`,
    });
  station = make();
  const place = (title: string) => {
    f.pay(899);
    const r = orders.place({ requestId: `req-${title}-0000`, title, trackIds: f.ids });
    if (!r.ok) throw new Error(r.error.message);
    station?.wake();
    return r.value.trackingNumber;
  };
  const settled = async (tn: string) => {
    await vi.waitFor(
      () => {
        const s = orders.view(tn)?.status;
        if (s !== 'done' && s !== 'refunded') throw new Error(`still ${s}`);
      },
      { timeout: 5000, interval: 20 },
    );
    return orders.view(tn)!;
  };
  return { f, orders, jobs, gate, notices, place, settled, restart: () => (station = make()) };
}

describe('BurnStation', () => {
  it('runs a job through every step, records each event and sends them up', async () => {
    const a = drive('a', ['ok']);
    const s = setup([a], { print: 'ok' });
    station!.start();
    const tn = s.place('Mix');
    const order = await s.settled(tn);
    expect(order.status).toBe('done');
    expect(order.events.map((e) => e.kind)).toEqual([
      'burner-chosen',
      'image-assembled',
      'downloads-paused',
      'burn-started',
      'burn-finished',
      'verified',
      'downloads-resumed',
      'printed',
      'completed',
    ]);
    expect(order.events.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(s.gate.pause).toHaveBeenCalledTimes(1);
    expect(s.gate.resume).toHaveBeenCalledTimes(1);
    const records = s.f.outbox.pending(0, 1000);
    const events = records.filter((r) => r.kind === 'burn-event');
    expect(events.map((r) => burnEventData.parse(r.data).kind)).toEqual(
      order.events.map((e) => e.kind),
    );
    const recording = recordingData.parse(records.find((r) => r.kind === 'recording')?.data);
    expect(recording).toMatchObject({ trackingNumber: tn, burnerId: 'a', mediaSerial: 'a-disc' });
    expect(s.notices).toEqual(['Your CD "Mix" is ready.']);
  });

  it('retries a failed burn on another drive', async () => {
    const a = drive('a', ['fail', 'ok']);
    const b = drive('b', ['ok']);
    const s = setup([a, b]);
    station!.start();
    const tn = s.place('Retry');
    const order = await s.settled(tn);
    expect(order.status).toBe('done');
    const kinds = order.events.map((e) => `${e.kind}${e.burnerId ? `@${e.burnerId}` : ''}`);
    expect(kinds.slice(kinds.indexOf('failed@a'))).toEqual([
      'failed@a',
      'retry',
      'burner-chosen@b',
      'image-assembled@b',
      'downloads-paused@b',
      'burn-started@b',
      'burn-finished@b',
      'verified@b',
      'downloads-resumed',
      'completed@b',
    ]);
    expect(order.events.find((e) => e.kind === 'failed')?.detail).toMatch(/medium error/);
    // Neither attempt left its working image behind.
    expect(readdirSync(path.join(s.f.dir, 'work'))).toEqual([]);
    expect(b.burned).toHaveLength(1);
    expect(a.burned).toHaveLength(0);
    // The pause held across the failure and the retry was resumed each time it ended.
    expect(s.gate.pause.mock.calls.length).toBe(s.gate.resume.mock.calls.length);
    expect(s.f.ledger.balance()).toBe(0);
  });

  it('refunds the price as credit and tells the customer when every drive failed', async () => {
    const s = setup([drive('a', ['fail']), drive('b', ['fail'])]);
    station!.start();
    const tn = s.place('Doomed');
    const order = await s.settled(tn);
    expect(order.status).toBe('refunded');
    expect(order.message).toMatch(/\$8\.99 went back to your credit/);
    expect(order.events.map((e) => e.kind).filter((k) => k !== 'downloads-paused')).toContain(
      'refunded',
    );
    expect(s.f.ledger.balance()).toBe(899);
    expect(s.f.ledger.entriesAfter(0).at(-1)).toMatchObject({
      kind: 'refund',
      credits: 899,
      ref: `order:${tn}`,
    });
    expect(s.notices.at(-1)).toMatch(/could not be burned\. \$8\.99 went back/);
    expect(s.gate.resume).toHaveBeenCalledTimes(s.gate.pause.mock.calls.length);
  });

  it('with one drive, a failure is refunded rather than burned again on the same drive', async () => {
    const a = drive('a', ['fail', 'ok']);
    const s = setup([a]);
    station!.start();
    const order = await s.settled(s.place('Solo'));
    expect(order.status).toBe('refunded');
    expect(a.burned).toEqual([]);
  });

  it('a job cut by a restart is burned again, on the same drive, after the restart', async () => {
    const a = drive('a', ['hang', 'ok']);
    const s = setup([a]);
    station!.start();
    const tn = s.place('Power cut');
    await vi.waitFor(() => expect(s.orders.view(tn)?.status).toBe('burning'));
    await station!.close();
    expect(s.jobs.interrupted()).toHaveLength(1);
    s.restart();
    station!.start();
    const order = await s.settled(tn);
    expect(order.status).toBe('done');
    const kinds = order.events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'failed')).toHaveLength(1);
    expect(order.events.find((e) => e.kind === 'failed')?.detail).toMatch(/restarted/);
    expect(kinds).toContain('retry');
    expect(a.burned).toHaveLength(1);
  });

  it('a job that keeps being cut by restarts is refunded after the fourth', async () => {
    const a = drive('a', ['hang', 'hang', 'hang', 'hang', 'ok']);
    const s = setup([a]);
    const tn = s.place('Poison');
    for (let i = 0; i < 4; i++) {
      station!.start();
      await vi.waitFor(() => expect(s.orders.view(tn)?.status).toBe('burning'));
      await station!.close();
      s.restart();
    }
    station!.start();
    const order = await s.settled(tn);
    expect(order.status).toBe('refunded');
    expect(order.events.filter((e) => e.kind === 'retry')).toHaveLength(3);
    expect(s.f.ledger.balance()).toBe(899);
    expect(a.burned).toEqual([]);
  });

  it('two drives burn two orders at once; downloads pause once and resume after the last', async () => {
    const gateOrder: string[] = [];
    const slow = (id: string): StationBurner => ({
      id,
      driver: 'image',
      async burn() {
        gateOrder.push(`start ${id}`);
        await new Promise((r) => setTimeout(r, id === 'a' ? 150 : 300));
        gateOrder.push(`end ${id}`);
        return { durationMs: 1, mediaSerial: null, outputDir: null, verified: false };
      },
    });
    const s = setup([slow('a'), slow('b')]);
    s.gate.pause.mockImplementation(() => gateOrder.push('pause'));
    s.gate.resume.mockImplementation(() => gateOrder.push('resume'));
    const one = s.place('One');
    const two = s.place('Two');
    station!.start();
    await s.settled(one);
    await s.settled(two);
    expect(gateOrder.filter((x) => x === 'pause')).toHaveLength(1);
    expect(gateOrder.at(-1)).toBe('resume');
    expect(gateOrder.filter((x) => x === 'resume')).toHaveLength(1);
    const second = s.orders.view(two)!;
    expect(second.events.find((e) => e.kind === 'downloads-paused')?.detail ?? '').toMatch(
      /already paused|^$/,
    );
    // No `verified` event when the burner did not verify.
    expect(second.events.map((e) => e.kind)).not.toContain('verified');
  });

  it('a printer failure is recorded and told; the disc stays made', async () => {
    const s = setup([drive('a', ['ok'])], { print: 'fail' });
    station!.start();
    const order = await s.settled(s.place('Ink'));
    expect(order.status).toBe('done');
    await vi.waitFor(() =>
      expect(s.orders.view(order.trackingNumber)?.events.map((e) => e.kind)).toContain(
        'print-failed',
      ),
    );
    expect(s.notices).toContainEqual(expect.stringMatching(/insert could not be printed/));
  });
});
