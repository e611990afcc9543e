import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceCheckpoints } from './checkpoints.js';
import { ledgerFixture } from './test-support/ledger-fixture.js';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture('kc-checkpoints-');
});
afterEach(() => fx.close());

const credit = { device: 'coins', deviceEventId: 'u1/e1', valueCents: 100, denomination: 'C100' };

describe('DeviceCheckpoints', () => {
  it('a credit and its checkpoint are written together, or not at all', () => {
    const cps = new DeviceCheckpoints(fx.db);
    // Make the checkpoint write fail after the ledger row went in.
    fx.db.exec(`CREATE TRIGGER fail_cp BEFORE INSERT ON device_checkpoints
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(() => cps.credit(fx.ledger, credit, { unit: 'u1', checkpoint: '1' })).toThrow(
      /disk full/,
    );
    expect(fx.ledger.balance()).toBe(0);
    expect(cps.get('coins')).toBeUndefined();

    fx.db.exec('DROP TRIGGER fail_cp');
    expect(cps.credit(fx.ledger, credit, { unit: 'u1', checkpoint: '1' })).toMatchObject({
      ok: true,
      value: { status: 'credited' },
    });
    expect(fx.ledger.balance()).toBe(4);
    expect(cps.get('coins')).toEqual({ unit: 'u1', checkpoint: '1' });
  });

  it('a replay does not move the checkpoint back', () => {
    const cps = new DeviceCheckpoints(fx.db);
    cps.credit(fx.ledger, credit, { unit: 'u1', checkpoint: '1' });
    cps.credit(fx.ledger, { ...credit, deviceEventId: 'u1/e2' }, { unit: 'u1', checkpoint: '2' });
    cps.credit(fx.ledger, credit, { unit: 'u1', checkpoint: '1' });
    expect(cps.get('coins')).toEqual({ unit: 'u1', checkpoint: '2' });
    expect(fx.ledger.balance()).toBe(8);
  });
});
