import { setTimeout as sleep } from 'node:timers/promises';
import { SINK_SAMPLE_RATE, type PaceClock } from './types.js';

export const realClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
};

export interface PacerOptions {
  /** 1 = real time, 0 = unpaced, 4 = four times real time. */
  pace: number;
  /**
   * How far ahead of its play time audio is accepted, like a sound card's buffer (wall-clock
   * ms, at least 1). The player sees the same backpressure as with a device. It must be above
   * zero: with no buffer every write would arrive "late" and count as an underrun.
   */
  leadMs?: number;
  clock?: PaceClock;
}

export const DEFAULT_LEAD_MS = 200;

/**
 * Real-time throttle for sinks with no device behind them. Every wait is computed against
 * the time the first frame was accepted, never as a per-chunk sleep, so timer lateness does
 * not add up: after N frames, the sink has taken no less than N / 44,100 / pace seconds.
 *
 * When the writer falls behind (a pause, a slow decoder), a device would underrun and then
 * go on in real time; the pacer does the same by moving its anchor forward instead of
 * letting the writer burst to catch up.
 */
export class Pacer {
  private readonly pace: number;
  private readonly leadMs: number;
  private readonly clock: PaceClock;
  private anchorMs: number | null = null;
  /** Frames accepted since the anchor. */
  private frames = 0;

  constructor(opts: PacerOptions) {
    if (!(opts.pace >= 0) || !Number.isFinite(opts.pace)) {
      throw new RangeError(`pace must be a finite number >= 0, got ${opts.pace}`);
    }
    this.pace = opts.pace;
    this.leadMs = Math.max(1, opts.leadMs ?? DEFAULT_LEAD_MS);
    this.clock = opts.clock ?? realClock;
  }

  /** Accounts for `frames` more frames and resolves when they may be accepted. */
  async admit(frames: number): Promise<void> {
    if (this.pace === 0) return;
    const now = this.clock.now();
    if (this.anchorMs === null) this.anchorMs = now;
    const playedUpTo = this.anchorMs + this.msFor(this.frames);
    if (now > playedUpTo) {
      // Underrun: everything accepted so far has "played". Re-anchor at now.
      this.anchorMs = now;
      this.frames = 0;
    }
    this.frames += frames;
    const due = this.anchorMs + this.msFor(this.frames) - this.leadMs;
    const wait = due - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }

  private msFor(frames: number): number {
    return (frames * 1000) / SINK_SAMPLE_RATE / this.pace;
  }
}
