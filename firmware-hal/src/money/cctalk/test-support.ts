import { openPtyPair, type PtyPair } from '../test-support/pty.js';
import type { CreditEvent, MoneyDeviceInfo, MoneyEvent, MoneyOpenOptions } from '../types.js';
import { CcTalkCoinAcceptor, type CcTalkDriverOptions } from './driver.js';
import { CcTalkCoinSimulator, type CcTalkSimulatorOptions, type SimCoin } from './simulator.js';

/** Test rig: a simulator and a driver on the two ends of a socat pty pair. Tests only. */

export const COINS: readonly SimCoin[] = [
  { position: 1, code: 'EU010A', valueCents: 10 },
  { position: 2, code: 'EU020A', valueCents: 20 },
  { position: 3, code: 'EU050A', valueCents: 50 },
  { position: 4, code: 'EU100A', valueCents: 100 },
  { position: 5, code: 'EU200A', valueCents: 200 },
];

export const COIN_VALUES: Readonly<Record<string, number>> = Object.fromEntries(
  COINS.map((c) => [c.code, c.valueCents]),
);

export interface Rig {
  readonly pair: PtyPair;
  readonly sim: CcTalkCoinSimulator;
  readonly driver: CcTalkCoinAcceptor;
  readonly info: MoneyDeviceInfo;
  readonly events: MoneyEvent[];
  readonly credits: () => CreditEvent[];
  close(): Promise<void>;
}

export interface RigOptions {
  readonly sim?: Partial<Omit<CcTalkSimulatorOptions, 'path'>>;
  readonly driver?: Partial<Omit<CcTalkDriverOptions, 'path'>>;
  readonly resume?: MoneyOpenOptions;
  /** Enable all coins and lift the master inhibit after open (default true). */
  readonly enable?: boolean;
  /** Use these paths instead of the pair's (e.g. stable symlinks). */
  readonly paths?: { readonly host: string; readonly device: string };
}

/** Opens a pair, starts the simulator and opens the driver. */
export async function openRig(options: RigOptions = {}): Promise<Rig> {
  const pair = await openPtyPair();
  const sim = await CcTalkCoinSimulator.start({
    path: options.paths?.device ?? pair.device,
    coins: COINS,
    ...options.sim,
  });
  const driver = new CcTalkCoinAcceptor({
    path: options.paths?.host ?? pair.host,
    coinValues: COIN_VALUES,
    pollIntervalMs: 50,
    backoff: { initialMs: 20, maxMs: 200 },
    ...options.driver,
  });
  const events: MoneyEvent[] = [];
  driver.onEvent((e) => events.push(e));
  const info = await driver.open(options.resume ?? { device: null, checkpoint: null });
  if (options.enable ?? true) {
    await driver.setEnabledDenominations(COINS.map((c) => c.position));
    await driver.setMasterInhibit(false);
  }
  return {
    pair,
    sim,
    driver,
    info,
    events,
    credits: () => events.filter((e): e is CreditEvent => e.type === 'credit'),
    async close() {
      await driver.close();
      await sim.close();
      await pair.close();
    },
  };
}

/** Waits until `predicate` holds, checking every 20 ms; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets the driver poll a few more times (to show nothing more happens). */
export async function settle(rig: Rig, polls = 4): Promise<void> {
  const target = rig.sim.state.requests + polls;
  await until(() => rig.sim.state.requests >= target);
}

/** Sum of credited cents. */
export function creditedCents(rig: Rig): number {
  return rig.credits().reduce((sum, c) => sum + c.valueCents, 0);
}
