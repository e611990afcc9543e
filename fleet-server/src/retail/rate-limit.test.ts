import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/clock.js';
import { WindowRateLimiter } from './rate-limit.js';

describe('per-address rate limit', () => {
  it('allows `limit` requests a window, then says when to come back', () => {
    const clock = new ManualClock(0);
    const limiter = new WindowRateLimiter({ limit: 3, windowMs: 60_000, maxKeys: 10 }, clock);
    for (let i = 0; i < 3; i++) expect(limiter.take('a').allowed).toBe(true);
    clock.advance(20_000);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 40 });
    // Other addresses have their own count.
    expect(limiter.take('b').allowed).toBe(true);
    clock.advance(40_000);
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('never answers a retry-after below one second', () => {
    const clock = new ManualClock(0);
    const limiter = new WindowRateLimiter({ limit: 1, windowMs: 1000, maxKeys: 10 }, clock);
    limiter.take('a');
    clock.advance(999);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('remembers at most maxKeys addresses, forgetting the oldest windows first', () => {
    const clock = new ManualClock(0);
    const limiter = new WindowRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 }, clock);
    for (let i = 0; i < 1000; i++) {
      limiter.take(`10.0.${i >> 8}.${i & 255}`);
      clock.advance(1);
    }
    expect(limiter.size).toBe(100);
    // The newest are still counted; the first were forgotten.
    expect(limiter.take('10.0.3.231').allowed).toBe(false);
    expect(limiter.take('10.0.0.0').allowed).toBe(true);
  });

  it('drops expired windows before it makes room by force', () => {
    const clock = new ManualClock(0);
    const limiter = new WindowRateLimiter({ limit: 1, windowMs: 1000, maxKeys: 3 }, clock);
    limiter.take('a');
    limiter.take('b');
    clock.advance(5000);
    limiter.take('c');
    expect(limiter.size).toBe(1);
  });

  it('refuses settings that would block everyone', () => {
    const clock = new ManualClock(0);
    expect(() => new WindowRateLimiter({ limit: 0, windowMs: 1, maxKeys: 1 }, clock)).toThrow(
      /at least 1/,
    );
  });
});
