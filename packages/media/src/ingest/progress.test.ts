import { describe, expect, it } from 'vitest';
import { ProgressTracker, type IngestProgress } from './progress.js';

describe('ProgressTracker', () => {
  it('maps stage fractions onto one rising 0..1 scale and ends with done = 1', () => {
    const seen: IngestProgress[] = [];
    const p = new ProgressTracker((x) => seen.push(x));
    p.report('probe');
    p.report('transcode', 0.5);
    p.report('transcode', 1);
    p.report('verify');
    p.report('finish', 1);
    p.done();
    const fractions = seen.map((s) => s.fraction);
    expect(fractions[0]).toBe(0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.slice(0, -1).every((f) => f < 1)).toBe(true);
    expect(seen.at(-1)).toEqual({ stage: 'done', fraction: 1 });
  });

  it('drops a report that would move the bar backwards, and clamps out-of-range input', () => {
    const seen: IngestProgress[] = [];
    const p = new ProgressTracker((x) => seen.push(x));
    p.report('loudness', 0.5);
    p.report('transcode', 1); // an earlier stage reporting late
    p.report('loudness', 7);
    p.report('loudness', -3);
    expect(seen.map((s) => s.stage)).toEqual(['loudness', 'loudness']);
    expect(seen[1]!.fraction).toBeLessThan(1);
  });

  it('survives a listener that throws', () => {
    const p = new ProgressTracker(() => {
      throw new Error('the CLI bar broke');
    });
    expect(() => {
      p.report('probe');
      p.done();
    }).not.toThrow();
  });
});
