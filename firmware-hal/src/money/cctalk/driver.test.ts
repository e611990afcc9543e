import { afterEach, describe, expect, it } from 'vitest';
import type { CreditEvent, FaultEvent, RejectEvent, StatusEvent } from '../types.js';
import { decodeCheckpoint } from './checkpoint.js';
import { creditedCents, openRig, settle, until, type Rig } from './test-support.js';

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.close();
});
async function rig(options: Parameters<typeof openRig>[0] = {}): Promise<Rig> {
  const r = await openRig(options);
  rigs.push(r);
  return r;
}
const ofType = <T extends { type: string }>(r: Rig, type: T['type']) =>
  r.events.filter((e) => e.type === type) as unknown as T[];

describe('CcTalkCoinAcceptor over a pty against the simulator', () => {
  for (const checksum of ['simple', 'crc16'] as const) {
    it(`identifies the unit and reads the coin table (${checksum})`, async () => {
      const r = await rig({ sim: { checksum, serial: 0x0a0b0c }, driver: { checksum } });
      expect(r.info).toMatchObject({ id: `cctalk:JBX:${0x0a0b0c}`, product: 'SIMCOIN' });
      expect(r.info.denominations.map((d) => d.position)).toEqual([1, 2, 3, 4, 5]);
      r.sim.insert(3);
      await until(() => r.credits().length === 1);
      expect(r.credits()[0]).toMatchObject({ device: `cctalk:JBX:${0x0a0b0c}`, valueCents: 50 });
    });
  }

  it('returns the identity and denominations from open()', async () => {
    const r = await rig({ enable: false });
    await r.driver.close();
    const { CcTalkCoinAcceptor } = await import('./driver.js');
    const again = new CcTalkCoinAcceptor({
      path: r.pair.host,
      coinValues: { EU010A: 10, EU200: 200 },
      currency: 'EUR',
    });
    const info = await again.open({ device: null, checkpoint: null });
    await again.close();
    expect(info).toMatchObject({ kind: 'cctalk', id: 'cctalk:JBX:123456', manufacturer: 'JBX' });
    // Unvalued ids stay out; "EU200" matches EU200A by its first five characters.
    expect(info.denominations).toEqual([
      { position: 1, valueCents: 10, label: 'EU010A', currency: 'EUR' },
      { position: 5, valueCents: 200, label: 'EU200A', currency: 'EUR' },
    ]);
  });

  it('honours inhibits: an inhibited coin is a reject, never a credit', async () => {
    const r = await rig({ enable: false });
    expect(r.sim.state.masterInhibited).toBe(true);
    expect(r.sim.insert(1)).toBe('inhibited');
    await r.driver.setEnabledDenominations([1, 2]);
    await r.driver.setMasterInhibit(false);
    expect(r.sim.state.inhibitMask).toBe(0b11);
    expect(r.sim.insert(3)).toBe('inhibited');
    expect(r.sim.insert(2)).toBe('accepted');
    await until(() => r.credits().length === 1);
    await settle(r);
    expect(ofType<RejectEvent>(r, 'reject').map((e) => e.reason)).toEqual([
      'inhibited',
      'inhibited',
    ]);
    expect(r.credits().map((c) => c.valueCents)).toEqual([20]);
    await expect(r.driver.setEnabledDenominations([9])).rejects.toThrow(/position 9/);
  });

  it('credits each inserted coin exactly once with unique event ids', async () => {
    const r = await rig();
    for (const position of [1, 5, 4]) {
      r.sim.insert(position);
      await settle(r, 1);
    }
    r.sim.reject(1);
    r.sim.reject(17);
    await until(() => r.credits().length === 3 && ofType<RejectEvent>(r, 'reject').length === 2);
    await settle(r);
    expect(creditedCents(r)).toBe(r.sim.acceptedCents);
    expect(new Set(r.credits().map((c) => c.deviceEventId)).size).toBe(3);
    expect(ofType<RejectEvent>(r, 'reject').map((e) => [e.reason, e.code])).toEqual([
      ['rejected', 1],
      ['fraud', 17],
    ]);
  });

  it('keeps counting across the 255 -> 1 wrap', async () => {
    const r = await rig({ sim: { startCounter: 253 } });
    for (let i = 0; i < 6; i += 1) {
      r.sim.insert((i % 5) + 1);
      await settle(r, 1);
    }
    await until(() => r.credits().length === 6);
    await settle(r);
    expect(r.sim.state.counter).toBe(4);
    expect(creditedCents(r)).toBe(r.sim.acceptedCents);
    expect(new Set(r.credits().map((c) => c.deviceEventId)).size).toBe(6);
  });

  it('sees a power cycle as a reset: no credit, inhibits restored, counting resumes', async () => {
    const r = await rig();
    r.sim.insert(1);
    await until(() => r.credits().length === 1);
    r.sim.powerCycle();
    await until(() => ofType<StatusEvent>(r, 'status').some((s) => s.state === 'reset'));
    await until(() => !r.sim.state.masterInhibited);
    expect(r.credits()).toHaveLength(1);
    expect(r.sim.insert(2)).toBe('accepted');
    await until(() => r.credits().length === 2);
    const [first, second] = r.credits();
    expect(second?.deviceEventId).not.toBe(first?.deviceEventId);
    expect(creditedCents(r)).toBe(30);
  });

  it('credits up to five events between polls exactly, and raises the alarm beyond', async () => {
    const r = await rig();
    // Inserted synchronously: the driver sees them all in one 229 reply, as after missed polls.
    for (const p of [1, 2, 3, 4, 5]) r.sim.insert(p);
    await until(() => r.credits().length === 5);
    expect(creditedCents(r)).toBe(380);
    for (let i = 0; i < 7; i += 1) r.sim.insert(1);
    await until(() => ofType<FaultEvent>(r, 'fault').length === 1);
    await settle(r);
    const [alarm] = ofType<FaultEvent>(r, 'fault');
    expect(alarm).toMatchObject({ reason: 'events-lost', lost: 2 });
    expect(r.credits()).toHaveLength(5);
    // Polling goes on from the new counter.
    r.sim.insert(4);
    await until(() => r.credits().length === 6);
  });

  it('resumes from a credit checkpoint without losing or doubling the next coin', async () => {
    const r = await rig();
    r.sim.insert(1);
    r.sim.insert(2);
    await until(() => r.credits().length === 2);
    const [first, second] = r.credits() as [CreditEvent, CreditEvent];
    expect(decodeCheckpoint(first.checkpoint)?.reply.counter).toBe(1);
    await r.driver.close();
    // A crash after the first credit was stored: the next run must credit the second, once.
    const { CcTalkCoinAcceptor } = await import('./driver.js');
    const { COIN_VALUES } = await import('./test-support.js');
    const again = new CcTalkCoinAcceptor({ path: r.pair.host, coinValues: COIN_VALUES });
    const seen: CreditEvent[] = [];
    again.onEvent((e) => e.type === 'credit' && seen.push(e));
    await again.open({ device: first.device, checkpoint: first.checkpoint });
    await again.close();
    expect(seen.map((c) => [c.deviceEventId, c.valueCents])).toEqual([[second.deviceEventId, 20]]);
  });

  it('refuses money from a replaced unit until an operator accepts it', async () => {
    const r = await rig({ resume: { device: 'cctalk:JBX:999', checkpoint: null }, enable: false });
    const [fault] = ofType<FaultEvent>(r, 'fault');
    expect(fault).toMatchObject({ reason: 'replaced', fatal: true });
    await expect(r.driver.setMasterInhibit(false)).rejects.toThrow(/replaced/);
    expect(r.sim.insert(1)).toBe('inhibited');
    await settle(r);
    expect(r.credits()).toHaveLength(0);
  });

  it('notices a unit swapped while running', async () => {
    const r = await rig();
    r.sim.insert(1);
    await until(() => r.credits().length === 1);
    // The swap shows as a reset (counter 0); the driver identifies the unit again.
    r.sim.replaceUnit(777);
    await until(() => ofType<FaultEvent>(r, 'fault').some((f) => f.reason === 'replaced'));
    expect(r.sim.insert(1)).toBe('inhibited');
    await settle(r);
    expect(r.credits()).toHaveLength(1);
  });
});
