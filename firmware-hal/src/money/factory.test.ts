import { describe, expect, it } from 'vitest';
import { CcTalkCoinAcceptor } from './cctalk/driver.js';
import { EsspNoteValidator } from './essp/driver.js';
import { createMoneyDevice } from './factory.js';

const deps = { currency: 'USD', log: () => undefined };

describe('createMoneyDevice', () => {
  it('builds the driver the configuration names (nothing is opened yet)', () => {
    const coins = createMoneyDevice(
      { id: 'coins', driver: 'cctalk', path: '/dev/null', options: { coinValues: { US025: 25 } } },
      deps,
    );
    expect(coins).toBeInstanceOf(CcTalkCoinAcceptor);
    const notes = createMoneyDevice(
      { id: 'notes', driver: 'essp', path: '/dev/null', options: { maxValue: 2000 } },
      deps,
    );
    expect(notes).toBeInstanceOf(EsspNoteValidator);
  });

  it.each([
    [{ driver: 'cctalk', options: {} }, /"coins" \(cctalk\): options\.coinValues/],
    [{ driver: 'cctalk', options: { coinValues: { US025: -5 } } }, /options\.coinValues\.US025/],
    [{ driver: 'cctalk', options: { coinValues: {}, pollIntervalMs: 500 } }, /pollIntervalMs/],
    [{ driver: 'essp', options: { maxValeu: 10 } }, /"coins" \(essp\): .*maxValeu/],
  ] as const)('refuses bad options with the device and field named (%j)', (cfg, message) => {
    expect(() =>
      createMoneyDevice(
        { id: 'coins', path: '/dev/null', ...cfg, options: { ...cfg.options } },
        deps,
      ),
    ).toThrow(message);
  });
});
