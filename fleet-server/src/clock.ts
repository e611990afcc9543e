/**
 * The server's source of time. Everything that expires (sessions, login lockouts) reads it
 * through this, so tests move time forward instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Milliseconds to the ISO 8601 form the API speaks. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
