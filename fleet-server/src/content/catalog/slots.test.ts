import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

describe('Slots', () => {
  it('runs at most `size` at once, the rest in arrival order', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const jobs = [0, 1, 2, 3].map((i) =>
      slots.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i;
      }),
    );
    while (gates.length < 2) await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1]);
    for (let released = 0; released < 4; released++) {
      while (gates.length <= released) await new Promise((r) => setImmediate(r));
      gates[released]!();
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3]);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
  });

  it('releases the slot when the work fails, and lets a waiter give up', async () => {
    const slots = new Slots(1);
    await expect(slots.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let release!: () => void;
    const holder = slots.run(() => new Promise<void>((r) => (release = r)));
    const abort = new AbortController();
    const waiter = slots.run(async () => 'never', abort.signal);
    abort.abort(new Error('gave up'));
    await expect(waiter).rejects.toThrow('gave up');
    release();
    await holder;
    expect(await slots.run(async () => 'free again')).toBe('free again');
  });
});
