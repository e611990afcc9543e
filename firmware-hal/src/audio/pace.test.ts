import { describe, expect, it } from 'vitest';
import { Pacer } from './pace.js';
import { FakeClock } from './test-support.js';

const CHUNK = 441; // 10 ms

async function feed(pacer: Pacer, chunks: number): Promise<void> {
  for (let i = 0; i < chunks; i++) await pacer.admit(CHUNK);
}

describe('Pacer', () => {
  it('does not drift when every sleep runs late', async () => {
    const clock = new FakeClock(3);
    const pacer = new Pacer({ pace: 1, leadMs: 50, clock });
    await feed(pacer, 1_000); // 10 s of audio
    // Per-chunk sleeps would end near 13 s (1,000 x 3 ms late); the schedule ends at the
    // play time of the last frame minus the lead, late by at most one sleep.
    expect(clock.t).toBeGreaterThanOrEqual(10_000 - 50);
    expect(clock.t).toBeLessThanOrEqual(10_000 - 50 + 3);
  });

  it('runs at a pace factor', async () => {
    const clock = new FakeClock(0);
    const pacer = new Pacer({ pace: 4, leadMs: 50, clock });
    await feed(pacer, 400); // 4 s of audio at 4x = 1 s
    expect(clock.t).toBe(1_000 - 50);
  });

  it('does not wait at pace 0', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ pace: 0, clock });
    await feed(pacer, 1_000);
    expect(clock.sleeps).toBe(0);
  });

  it('after an underrun goes on in real time instead of bursting', async () => {
    const clock = new FakeClock(0);
    const pacer = new Pacer({ pace: 1, leadMs: 50, clock });
    await feed(pacer, 100);
    clock.t += 5_000; // the player paused
    const resumedAt = clock.t;
    await feed(pacer, 100);
    expect(clock.t - resumedAt).toBe(1_000 - 50);
  });

  it('rejects a negative pace', () => {
    expect(() => new Pacer({ pace: -1 })).toThrow(RangeError);
  });
});
