import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, startCore, type CoreHandle } from '@jukebox/kiosk-core';
import { kioskState, statusResponse, type KioskEvent } from '@jukebox/protocol';
import { Acceptor } from './memory-acceptor.js';
import { connect, crashingFfmpeg, tempDir, tone, until, type LogLine } from './support.js';

// Issue 3 in the runtime: a coin and a note credit the ledger, a pick spends its price in the
// same transaction as the queue insert, "play next" jumps the queue, and a paid song whose
// decoder dies is refunded once. The acceptors are in-memory MoneyDevices injected through
// the core's driver factory; the serial drivers have their own pty tests in firmware-hal.

const tmp = tempDir('money');
const coin = new Acceptor('cctalk', 'cctalk:SIM:1', [{ position: 1, valueCents: 25 }]);
const note = new Acceptor('essp', 'essp:SIM:2', [{ position: 1, valueCents: 500 }]);
let core: CoreHandle;
let ui: Awaited<ReturnType<typeof connect>>;
const ids: Record<string, number> = {};

beforeAll(async () => {
  const music = path.join(tmp.dir, 'music');
  mkdirSync(music);
  // 12 s at 4x real time: long enough that the next song is not prefetched (5 s before the
  // end) while the picks below are made, so the queue order is the one the picks set.
  // (2 s songs: a prefetched ~1 s song currently plays no frames; see the report.)
  tone(path.join(music, 'long.mp3'), 12, { title: 'Long Song' });
  tone(path.join(music, 'plain.mp3'), 2, { title: 'Plain Song' });
  tone(path.join(music, 'jump.mp3'), 2, { title: 'Jump Song' });
  tone(path.join(music, 'crash-me.mp3'), 3, { title: 'Crash Song' });
  const logs: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => void logs.push(JSON.parse(l)) });
  const config = parseConfig(
    {
      http: { port: 0 },
      dataDir: path.join(tmp.dir, 'data'),
      library: { importDirs: [music] },
      audio: { sink: { kind: 'wav', path: path.join(tmp.dir, 'out.wav'), pace: 4 } },
      tools: { ffmpeg: crashingFfmpeg(tmp.dir) },
      money: {
        devices: [
          { id: 'coins', driver: 'cctalk', path: '/dev/ttyCOIN' },
          { id: 'notes', driver: 'essp', path: '/dev/ttyNOTE' },
        ],
      },
    },
    tmp.dir,
  );
  core = await startCore(config, {
    log,
    createMoneyDevice: (cfg) => (cfg.driver === 'cctalk' ? coin : note),
  });
  await core.ready;
  for (const t of ['Long', 'Plain', 'Jump', 'Crash']) {
    ids[t] = core.jukebox.library.search(`${t} Song`, 1).tracks[0]!.id;
  }
  ui = await connect(core.url);
});
afterAll(async () => {
  ui?.close();
  await core?.close();
  tmp.cleanup();
});

async function state() {
  const r = (await ui.call('getState')) as { ok: true; value: unknown };
  return kioskState.parse(r.value);
}

const moneyEvents = () =>
  ui.events.flatMap((e: KioskEvent) => (e.type === 'money' ? [e.money] : []));

describe('money through the core', () => {
  it('the UI sees prices and healthy acceptors; money is accepted', async () => {
    const s = await state();
    expect(s.pricing).toEqual({
      freePlay: false,
      songPrice: 1,
      playNextPrice: 3,
      currency: 'USD',
      minorUnit: 2,
    });
    expect(s.money).toEqual({ coins: 'ok', notes: 'ok', message: null });
    expect(s.credits).toBe(0);
    expect([coin.inhibited, note.inhibited]).toEqual([false, false]);
  });

  it('a pick without credits is refused with what is missing, and queues nothing', async () => {
    expect(await ui.call('enqueue', { trackId: ids.Long })).toMatchObject({
      ok: false,
      error: { code: 'insufficient_credits', missingCredits: 1 },
    });
    expect((await state()).queue).toEqual([]);
  });

  it('credit -> pick spends; "play next" jumps the queue; a failed paid song is refunded', async () => {
    coin.insert(25);
    await until(() => moneyEvents().length === 1, 'coin feedback');
    expect(moneyEvents()).toEqual([
      { kind: 'accepted', acceptor: 'coin', valueCents: 25, credits: 1 },
    ]);
    expect((await state()).credits).toBe(1);

    expect(await ui.call('enqueue', { trackId: ids.Long })).toMatchObject({ ok: true });
    await until(() => core.jukebox.state().nowPlaying?.track.title === 'Long Song', 'long song');

    note.insert(500); // 20 credits + 2 bonus
    expect((await state()).credits).toBe(22);
    expect(await ui.call('enqueue', { trackId: ids.Plain })).toMatchObject({ ok: true });
    expect(await ui.call('enqueue', { trackId: ids.Jump, playNext: true })).toMatchObject({
      ok: true,
      value: { playNext: true },
    });
    expect(await ui.call('enqueue', { trackId: ids.Crash })).toMatchObject({ ok: true });
    const s = await state();
    expect(s.credits).toBe(22 - 1 - 3 - 1);
    expect(s.queue.map((e) => e.track.title)).toEqual(['Jump Song', 'Plain Song', 'Crash Song']);

    const ended = await until(() => {
      const evs = core.jukebox.plays.eventsAfter(0);
      return evs.length === 4 && evs.every((e) => e.status !== 'started') && evs;
    }, 'four plays');
    const title = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    expect(ended.map((e) => [title[e.trackId], e.status])).toEqual([
      ['Long', 'completed'],
      ['Jump', 'completed'],
      ['Plain', 'completed'],
      ['Crash', 'aborted'],
    ]);
    // The crashed song's credit came back, once, and the patron was told.
    await until(async () => (await state()).credits === 18, 'refund');
    expect(ui.events.some((e) => e.type === 'notice' && /given back/.test(e.message))).toBe(true);

    const status = statusResponse.parse(await (await fetch(`${core.url}/api/v1/status`)).json());
    expect(status.credits).toBe(18);
    expect(status.money.totals).toMatchObject({ totalCents: 525, count: 2 });
    expect(status.money.devices.map((d) => [d.id, d.unit, d.state])).toEqual([
      ['coins', 'cctalk:SIM:1', 'ready'],
      ['notes', 'essp:SIM:2', 'ready'],
    ]);
  });

  it('a pick sent again with its request id (answer lost) is charged once', async () => {
    const before = (await state()).credits;
    const pick = { trackId: ids.Plain, requestId: 'retry-test-0001' };
    const first = (await ui.call('enqueue', pick)) as { ok: boolean; value: { entryId: number } };
    const again = (await ui.call('enqueue', pick)) as { ok: boolean; value: { entryId: number } };
    expect(first.ok && again.ok).toBe(true);
    expect(again.value.entryId).toBe(first.value.entryId);
    expect((await state()).credits).toBe(before - 1);
    expect(
      await ui.call('enqueue', { trackId: ids.Jump, requestId: 'retry-test-0001' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await ui.call('enqueue', { trackId: ids.Jump, requestId: 'no' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });

  it('a faulty coin acceptor makes the UI say "Bills only"', async () => {
    coin.emit({ type: 'fault', device: coin.id, reason: 'jam', fatal: true });
    await until(
      () => ui.events.some((e) => e.type === 'state' && e.state.money.message === 'Bills only'),
      'bills only',
    );
    expect((await state()).money).toEqual({ coins: 'faulty', notes: 'ok', message: 'Bills only' });
  });
});
