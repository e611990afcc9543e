import type { Clock } from '../clock.js';

/** A clock that moves only when told: expiry tests advance it instead of sleeping. */
export class ManualClock implements Clock {
  constructor(private ms = Date.UTC(2026, 0, 15, 9, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
