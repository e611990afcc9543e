import { availableParallelism } from 'node:os';
import { measureLoudness } from '@jukebox/media';
import type { Db } from '../db/index.js';
import type { LibraryOptions, ToolPaths } from './types.js';

/** A loudness measurement (the shape `measureLoudness` in @jukebox/media returns). */
export interface LoudnessMeasurement {
  integratedLufs: number;
  truePeakDbtp: number;
  lra: number;
  /** Gain to reach the target loudness. */
  gainDb: number;
}

/** Measures one file; rejects when the file cannot be decoded. */
export type MeasureLoudness = (
  file: string,
  options: { targetLufs: number; tools: ToolPaths; signal?: AbortSignal },
) => Promise<LoudnessMeasurement>;

export interface LoudnessJobOptions {
  /** Defaults to `measureLoudness` from @jukebox/media (ffmpeg ebur128). */
  measure?: MeasureLoudness;
  tools: ToolPaths;
  targetLufs: number;
  /** Files measured at once; 0 or absent = one per core (config `library.loudnessWorkers`). */
  workers?: number;
  log: LibraryOptions['log'];
  onProgress?: (progress: LoudnessProgress) => void;
}

export interface LoudnessProgress {
  done: number;
  failed: number;
  total: number;
}

interface PendingTrack {
  id: number;
  path: string;
}

/**
 * The background step that fills in `gain_db` after an import, so that importing stays fast.
 * A file that fails is recorded with its error and left out of later runs (until it is
 * re-imported because it changed), so a broken file is never retried forever.
 */
export class LoudnessJob {
  constructor(
    private readonly db: Db,
    private readonly options: LoudnessJobOptions,
  ) {}

  /** Measures every pending track; resolves with the totals when done or cancelled. */
  async run(options: { signal?: AbortSignal } = {}): Promise<LoudnessProgress> {
    const { signal } = options;
    const pending = this.db
      .prepare<[], PendingTrack>(
        `SELECT id, path FROM tracks
         WHERE gain_db IS NULL AND loudness_error IS NULL AND path IS NOT NULL AND missing = 0
         ORDER BY id`,
      )
      .all();
    const progress: LoudnessProgress = { done: 0, failed: 0, total: pending.length };
    const store = this.db.prepare(
      'UPDATE tracks SET gain_db = ?, integrated_lufs = ?, true_peak = ?, loudness_error = NULL WHERE id = ?',
    );
    const fail = this.db.prepare('UPDATE tracks SET loudness_error = ? WHERE id = ?');
    const workers = Math.max(1, this.options.workers || availableParallelism());
    const measure = this.options.measure ?? measureLoudness;
    let next = 0;
    const work = async (): Promise<void> => {
      for (;;) {
        if (signal?.aborted) return;
        const track = pending[next++];
        if (!track) return;
        try {
          const m = await measure(track.path, {
            targetLufs: this.options.targetLufs,
            tools: this.options.tools,
            ...(signal ? { signal } : {}),
          });
          if (!Number.isFinite(m.gainDb)) throw new Error(`no usable gain (${m.gainDb})`);
          store.run(
            m.gainDb,
            finiteOrNull(m.integratedLufs),
            finiteOrNull(m.truePeakDbtp),
            track.id,
          );
          progress.done++;
        } catch (err) {
          // A cancelled run is not the file's fault: leave it pending for the next run.
          if (signal?.aborted) return;
          const message = err instanceof Error ? err.message : String(err);
          fail.run(message.slice(0, 500), track.id);
          progress.failed++;
          this.options.log.warn(
            { trackId: track.id, path: track.path, err: message },
            'loudness measurement failed',
          );
        }
        this.options.onProgress?.({ ...progress });
      }
    };
    await Promise.all(Array.from({ length: Math.min(workers, pending.length) }, work));
    this.options.log.info({ ...progress }, 'loudness job finished');
    return progress;
  }

  /** Makes failed tracks pending again (e.g. after installing a working ffmpeg). */
  retryFailed(): number {
    return this.db
      .prepare('UPDATE tracks SET loudness_error = NULL WHERE loudness_error IS NOT NULL')
      .run().changes;
  }
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
