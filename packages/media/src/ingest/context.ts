import type { MediaTools } from '../types.js';
import type { OutputSet } from './outputs.js';
import type { ProgressTracker } from './progress.js';

/** What every ingest stage works with. */
export interface StageContext {
  /** The upload. */
  input: string;
  /** Passed to every ffmpeg run: the tools, and the signal that kills the child. */
  run: { tools?: MediaTools; signal?: AbortSignal };
  outputs: OutputSet;
  progress: ProgressTracker;
  /** Problems that do not stop the ingest, for the result. */
  warnings: string[];
}
