import { Pacer } from './pace.js';
import { framesIn, SinkFailure } from './sink-base.js';
import type { AudioSink, PaceClock } from './types.js';

export interface NullSinkOptions {
  /** 1 = real time (default), 0 = unpaced. */
  pace?: number;
  leadMs?: number;
  clock?: PaceClock;
}

/** Discards PCM, at the pace of a real device so players and tests behave as on a box. */
export function createNullSink(opts: NullSinkOptions = {}): AudioSink {
  const pace = opts.pace ?? 1;
  const pacer = new Pacer({
    pace,
    ...(opts.leadMs === undefined ? {} : { leadMs: opts.leadMs }),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const failure = new SinkFailure();
  let frames = 0;
  let closed = false;
  return {
    kind: 'null',
    description: pace === 1 ? 'null (real time)' : `null (pace ${pace})`,
    get framesWritten() {
      return frames;
    },
    async write(chunk) {
      if (closed) throw new Error('null sink is closed');
      const n = framesIn(chunk);
      frames += n;
      await pacer.admit(n);
    },
    async close() {
      closed = true;
    },
    onError: (listener) => failure.on(listener),
  };
}
