/** The steps of an ingest, in order; 'done' is reported once, with fraction 1. */
export type IngestStage =
  'probe' | 'transcode' | 'verify' | 'loudness' | 'preview' | 'cover' | 'finish' | 'done';

export interface IngestProgress {
  stage: IngestStage;
  /** Overall progress, 0..1, never decreasing. */
  fraction: number;
}

// Rough share of the wall time each stage takes on a typical 3-4 minute track, so a bar
// moves evenly. The loudness pass (true peak oversamples 4x) and the encode dominate.
const WEIGHTS: Record<Exclude<IngestStage, 'done'>, number> = {
  probe: 0.03,
  transcode: 0.4,
  verify: 0.05,
  loudness: 0.35,
  preview: 0.1,
  cover: 0.03,
  finish: 0.04,
};
const ORDER = Object.keys(WEIGHTS) as Exclude<IngestStage, 'done'>[];

/**
 * Turns per-stage fractions into one monotonic overall fraction. A listener that throws is
 * the caller's bug and must not fail the ingest, so its errors are swallowed.
 */
export class ProgressTracker {
  private last = -1;

  constructor(private readonly listener?: (progress: IngestProgress) => void) {}

  /** Reports `stageFraction` (0..1) of `stage`. */
  report(stage: Exclude<IngestStage, 'done'>, stageFraction = 0): void {
    let before = 0;
    for (const s of ORDER) {
      if (s === stage) break;
      before += WEIGHTS[s];
    }
    const within = Math.max(0, Math.min(1, stageFraction)) * WEIGHTS[stage];
    // Weights sum to 1; rounding must not let a stage report reach the final 1.
    this.emit(stage, Math.min(0.999, before + within));
  }

  done(): void {
    this.emit('done', 1);
  }

  private emit(stage: IngestStage, fraction: number): void {
    if (!this.listener || fraction < this.last) return;
    this.last = fraction;
    try {
      this.listener({ stage, fraction });
    } catch {
      // See the class comment.
    }
  }
}
