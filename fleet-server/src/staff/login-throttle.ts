/**
 * Slows down password guessing per username, in process memory. After `freeAttempts` failures
 * each further failure locks the username for twice as long as the previous one (1 s, 2 s,
 * 4 s, … up to `maxLockMs`); while locked, login is refused without even checking the
 * password. A success clears the count; so does a quiet period of `maxLockMs` after the last
 * failure.
 *
 * Limits, on purpose: the counters live in this process only (with several servers behind a
 * load balancer each counts on its own, which still bounds guessing to a small multiple), and
 * are lost at restart. At most `maxEntries` usernames are tracked; beyond that the least
 * recently failed are forgotten, so a flood of made-up names cannot exhaust memory.
 */
export interface LoginThrottleOptions {
  freeAttempts: number;
  maxLockMs: number;
  maxEntries?: number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfterMs(key: string, now: number): number {
    const entry = this.#current(key, now);
    return entry ? Math.max(0, entry.lockedUntil - now) : 0;
  }

  /** Records a failed attempt. */
  fail(key: string, now: number): void {
    const entry = this.#current(key, now) ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailureAt = now;
    const over = entry.failures - this.options.freeAttempts;
    if (over >= 0) {
      // 2^over seconds, computed without overflow for very long runs of failures.
      const lock =
        over >= 30 ? this.options.maxLockMs : Math.min(1000 * 2 ** over, this.options.maxLockMs);
      entry.lockedUntil = now + lock;
    }
    // Re-insert to keep the Map in least-recently-failed order for eviction.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Clears `key` after a successful login. */
  succeed(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #current(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const quietSince = Math.max(entry.lastFailureAt, entry.lockedUntil);
    if (now - quietSince >= this.options.maxLockMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
