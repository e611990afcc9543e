/** Exponential backoff for restarting the core and reconnecting to it. */
export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Ceiling: a box left alone for hours still retries at this pace. */
  maxMs: number;
  /** Growth per attempt; 2 unless given. */
  factor?: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 };

/** Delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const factor = options.factor ?? 2;
  return Math.min(options.maxMs, options.initialMs * factor ** Math.max(0, attempt));
}
