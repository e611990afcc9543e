import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CcTalkCoinSimulator, essp } from '@jukebox/firmware-hal/money';
import type { CoreHandle } from '@jukebox/kiosk-core';
import { openPtyPair, type PtyPair } from '../../firmware-hal/src/money/test-support/pty.js';
import { connect, startTestCore, tempDir, tone, until } from './support.js';

// Money from configuration to credits, with nothing stubbed: the core builds the ccTalk and
// eSSP drivers named in its config, which talk over socat ptys to the protocol simulators.
const tmp = tempDir('money-serial');
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  tmp.cleanup();
});

async function pair(): Promise<PtyPair> {
  const p = await openPtyPair();
  closers.push(() => p.close());
  return p;
}

describe('coins and notes through the configured drivers', () => {
  let core: CoreHandle;

  it('credits inserted coins and a note exactly once, and a pick spends them', async () => {
    const coinLine = await pair();
    const noteLine = await pair();
    const coins = await CcTalkCoinSimulator.start({
      path: coinLine.device,
      coins: [
        { position: 1, code: 'US025A', valueCents: 25 },
        { position: 2, code: 'US100A', valueCents: 100 },
      ],
    });
    closers.push(() => coins.close());
    const notes = await essp.EsspSimulator.open(noteLine.device, {
      currency: 'USD',
      channels: [{ value: 1 }, { value: 5 }],
    });
    closers.push(() => notes.close());

    const music = path.join(tmp.dir, 'music');
    mkdirSync(music);
    tone(path.join(music, 'song.mp3'), 1, { title: 'Song', artist: 'Band' });
    ({ core } = await startTestCore(
      {
        dataDir: path.join(tmp.dir, 'data'),
        library: { importDirs: [music] },
        audio: { sink: { kind: 'null', pace: 0 } },
        money: {
          devices: [
            {
              id: 'coins',
              driver: 'cctalk',
              path: coinLine.host,
              options: { coinValues: { US025: 25, US100: 100 } },
            },
            { id: 'notes', driver: 'essp', path: noteLine.host },
          ],
        },
      },
      tmp.dir,
    ));
    closers.push(() => core.close());
    await core.ready;
    const ui = await connect(core.url);
    closers.push(async () => ui.close());

    // On a loaded machine a first open can time out; the service retries it after 5 s.
    await until(
      () => core.jukebox.status().money.devices.every((d) => d.state === 'ready'),
      'both acceptors ready',
      900,
    );
    coins.insert(1); // 25 cents -> 1 credit
    coins.insert(2); // $1 -> 4 credits
    notes.model.insertNote(2); // $5 -> 20 + 2 bonus
    await until(() => core.jukebox.state().credits === 27, '27 credits', 600);
    expect(coins.acceptedCents).toBe(125);
    expect(notes.credited).toHaveLength(1);
    const accepted = ui.events.filter((e) => e.type === 'money');
    expect(accepted.length).toBeGreaterThanOrEqual(3);

    const id = core.jukebox.library.search('song', 1).tracks[0]!.id;
    expect(await ui.call('enqueue', { trackId: id })).toMatchObject({ ok: true });
    expect(core.jukebox.state().credits).toBe(26);
    expect(core.jukebox.status().money.totals.totalCents).toBe(625);

    // A coin jam (ccTalk error 14, credit sensor blocked) makes the box "bills only"; a power
    // cycle, which is how a technician clears it, brings coins back.
    coins.reject(14);
    await until(() => core.jukebox.state().money.coins === 'faulty', 'coins faulty', 600);
    expect(core.jukebox.state().money.message).toBe('Bills only');
    coins.powerCycle();
    await until(() => core.jukebox.state().money.coins === 'ok', 'coins back', 600);
    coins.insert(1);
    await until(() => core.jukebox.state().credits === 27, 'the coin after the jam', 600);
  }, 180_000);
});
