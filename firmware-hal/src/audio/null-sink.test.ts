import { describe, expect, it } from 'vitest';
import { createNullSink } from './null-sink.js';
import { FakeClock, tonePcm } from './test-support.js';

describe('null sink', () => {
  it('counts frames and paces in real time by default', async () => {
    const clock = new FakeClock(0);
    const sink = createNullSink({ clock, leadMs: 100 });
    for (let i = 0; i < 50; i++) await sink.write(tonePcm(4_410));
    expect(sink.framesWritten).toBe(220_500);
    expect(clock.t).toBe(5_000 - 100);
    expect(sink.kind).toBe('null');
    await sink.close();
    await expect(sink.write(tonePcm(1))).rejects.toThrow(/closed/);
  });

  it('refuses a chunk that is not whole frames', async () => {
    const sink = createNullSink({ pace: 0 });
    await expect(sink.write(Buffer.alloc(6))).rejects.toThrow(RangeError);
  });
});
