import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../test-support/pty.js';
import { CcTalkCoinAcceptor } from './driver.js';
import { DEMO_COINS, runSimCommand, USAGE } from './sim-cli.js';
import { CcTalkCoinSimulator } from './simulator.js';
import { until } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simOnPair(): Promise<{ pair: PtyPair; sim: CcTalkCoinSimulator }> {
  const pair = await openPtyPair();
  cleanups.push(() => pair.close());
  const sim = await CcTalkCoinSimulator.start({ path: pair.device, coins: DEMO_COINS });
  cleanups.push(() => sim.close());
  return { pair, sim };
}

describe('jukebox-cctalk-sim commands', () => {
  it('answers bad input with the usage and changes nothing', async () => {
    const { sim } = await simOnPair();
    for (const line of [
      'insert',
      'insert 0',
      'insert 17',
      'insert x',
      'reject 256',
      'drop -1',
      'slow 2',
      'echo maybe',
      'frobnicate',
      'insert 1 2 3',
    ]) {
      expect(runSimCommand(sim, line).output).toBe(USAGE);
    }
    expect(sim.state.counter).toBe(0);
    expect(runSimCommand(sim, 'quit').quit).toBe(true);
  });

  it('drives the simulator that a driver reads over the pty', async () => {
    const { pair, sim } = await simOnPair();
    const driver = new CcTalkCoinAcceptor({
      path: pair.host,
      coinValues: Object.fromEntries(DEMO_COINS.map((c) => [c.code, c.valueCents])),
      pollIntervalMs: 50,
    });
    cleanups.push(() => driver.close());
    const credits: number[] = [];
    driver.onEvent((e) => e.type === 'credit' && credits.push(e.valueCents));
    await driver.open({ device: null, checkpoint: null });
    expect(runSimCommand(sim, 'insert 4').output).toBe('coin 4: inhibited');
    await driver.setEnabledDenominations([4]);
    await driver.setMasterInhibit(false);
    expect(runSimCommand(sim, 'drop 2').output).toBe('drop 2');
    expect(runSimCommand(sim, 'insert 4').output).toBe('coin 4: accepted');
    await until(() => credits.length === 1);
    expect(credits).toEqual([100]);
    expect(JSON.parse(runSimCommand(sim, 'status').output)).toMatchObject({
      counter: 2,
      accepted: 1,
      acceptedCents: 100,
    });
    expect(runSimCommand(sim, 'power-cycle').output).toBe('power cycled');
    expect(sim.state.counter).toBe(0);
  });
});
