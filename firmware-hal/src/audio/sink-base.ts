import { SINK_BYTES_PER_FRAME } from './types.js';

/** Rejects a chunk that is not whole sample frames: the stream would be misaligned for good. */
export function framesIn(chunk: Buffer): number {
  if (chunk.length % SINK_BYTES_PER_FRAME !== 0) {
    throw new RangeError(
      `PCM chunk of ${chunk.length} bytes is not a whole number of ${SINK_BYTES_PER_FRAME}-byte frames`,
    );
  }
  return chunk.length / SINK_BYTES_PER_FRAME;
}

/** One-shot error fan-out shared by the sinks: the first failure is reported, once. */
export class SinkFailure {
  private readonly listeners: ((err: Error) => void)[] = [];
  private error: Error | null = null;

  get failed(): Error | null {
    return this.error;
  }

  on(listener: (err: Error) => void): void {
    if (this.error) queueMicrotask(() => listener(this.error!));
    else this.listeners.push(listener);
  }

  fail(err: Error): void {
    if (this.error) return;
    this.error = err;
    for (const l of this.listeners.splice(0)) l(err);
  }
}
