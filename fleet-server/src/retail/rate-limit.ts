import type { Clock } from '../clock.js';

export interface RateLimitOptions {
  /** Requests one key may make per window. */
  limit: number;
  windowMs: number;
  /** Keys remembered at most; beyond it the oldest windows are forgotten (bounded memory). */
  maxKeys: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A fixed-window request counter per key (a client address), in this process's memory.
 * Enough to make guessing tracking numbers on the public page slow and scraping it
 * pointless; with several servers behind a balancer each counts on its own, which multiplies
 * the limit by their number and is still far from a useful guessing rate (60 random bits).
 * Time comes from the server's clock, so tests move it instead of waiting.
 */
export class WindowRateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    if (options.limit < 1 || options.windowMs < 1 || options.maxKeys < 1) {
      throw new RangeError('rate limit: limit, windowMs and maxKeys must be at least 1');
    }
  }

  /** Counts one request of `key` and says whether it may go ahead. */
  take(key: string): RateDecision {
    const now = this.clock.now();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.options.windowMs || now < window.start) {
      this.#windows.delete(key);
      this.#makeRoom(now);
      window = { start: now, count: 0 };
      // Insertion order is window start order: the map's first entries are the oldest.
      this.#windows.set(key, window);
    }
    if (window.count >= this.options.limit) {
      const left = window.start + this.options.windowMs - now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
    }
    window.count += 1;
    return { allowed: true };
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.#windows.size;
  }

  #makeRoom(now: number): void {
    for (const [key, w] of this.#windows) {
      if (this.#windows.size < this.options.maxKeys && now - w.start < this.options.windowMs) {
        return;
      }
      this.#windows.delete(key);
    }
  }
}
