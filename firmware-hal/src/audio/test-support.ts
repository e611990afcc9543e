import type { AudioLog, PaceClock } from './types.js';

/**
 * A clock for pacing tests: time moves only when the pacer sleeps, and every sleep overshoots
 * by `lateMs`, like a busy event loop. Deterministic, so no test depends on the wall clock.
 */
export class FakeClock implements PaceClock {
  t = 0;
  sleeps = 0;
  constructor(private readonly lateMs = 3) {}
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps++;
    this.t += ms + this.lateMs;
  };
}

/** One second of sink PCM: a 440 Hz tone at -12 dBFS, so written data can be compared back. */
export function tonePcm(frames: number, offset = 0): Buffer {
  const buf = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(8192 * Math.sin((2 * Math.PI * 440 * (i + offset)) / 44_100));
    buf.writeInt16LE(v, i * 4);
    buf.writeInt16LE(v, i * 4 + 2);
  }
  return buf;
}

export function recordingLog(): AudioLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (msg) => lines.push(`info: ${msg}`),
    warn: (msg) => lines.push(`warn: ${msg}`),
  };
}
