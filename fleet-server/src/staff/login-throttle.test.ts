import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  const t0 = 1_000_000;

  it('lets the free attempts through, then locks for doubling periods', () => {
    const throttle = new LoginThrottle({ freeAttempts: 3, maxLockMs: 10_000 });
    for (let i = 0; i < 2; i++) throttle.fail('ann', t0);
    expect(throttle.retryAfterMs('ann', t0)).toBe(0);
    throttle.fail('ann', t0); // third failure: first lock, 1 s
    expect(throttle.retryAfterMs('ann', t0)).toBe(1000);
    expect(throttle.retryAfterMs('ann', t0 + 1000)).toBe(0);
    throttle.fail('ann', t0 + 1000); // 2 s
    expect(throttle.retryAfterMs('ann', t0 + 1000)).toBe(2000);
    throttle.fail('ann', t0 + 3000); // 4 s
    throttle.fail('ann', t0 + 7000); // 8 s
    throttle.fail('ann', t0 + 15_000); // capped at 10 s
    expect(throttle.retryAfterMs('ann', t0 + 15_000)).toBe(10_000);
  });

  it('keeps usernames apart and clears on success', () => {
    const throttle = new LoginThrottle({ freeAttempts: 1, maxLockMs: 60_000 });
    throttle.fail('ann', t0);
    expect(throttle.retryAfterMs('ann', t0)).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('bob', t0)).toBe(0);
    throttle.succeed('ann');
    expect(throttle.retryAfterMs('ann', t0)).toBe(0);
  });

  it('forgets a username after a quiet period', () => {
    const throttle = new LoginThrottle({ freeAttempts: 2, maxLockMs: 5000 });
    throttle.fail('ann', t0);
    throttle.fail('ann', t0);
    expect(throttle.retryAfterMs('ann', t0)).toBe(1000);
    expect(throttle.retryAfterMs('ann', t0 + 1000 + 5000)).toBe(0);
    throttle.fail('ann', t0 + 6000); // counted from zero again: free
    expect(throttle.retryAfterMs('ann', t0 + 6000)).toBe(0);
  });

  it('bounds its memory, forgetting the least recently failed', () => {
    const throttle = new LoginThrottle({ freeAttempts: 1, maxLockMs: 60_000, maxEntries: 3 });
    for (const name of ['a', 'b', 'c', 'd']) throttle.fail(name, t0);
    expect(throttle.size).toBe(3);
    expect(throttle.retryAfterMs('a', t0)).toBe(0);
    expect(throttle.retryAfterMs('d', t0)).toBeGreaterThan(0);
  });

  it('does not overflow on very long runs of failures', () => {
    const throttle = new LoginThrottle({ freeAttempts: 1, maxLockMs: 900_000 });
    for (let i = 0; i < 2000; i++) throttle.fail('ann', t0);
    expect(throttle.retryAfterMs('ann', t0)).toBe(900_000);
  });
});
