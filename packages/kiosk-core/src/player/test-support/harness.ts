import { defaultTools } from '@jukebox/media';
import { Player } from '../player.js';
import type { DecoderFactory, PlayItem, PlayerOptions, TrackEnd } from '../types.js';
import { memoryLog, queueOf } from './fixtures.js';
import { RecordingSink, type WriteHook } from './recording-sink.js';

/** Wraps a decoder factory to record each decoder's pid by entry id. */
export function recordingDecoder(pids: Map<number, number>, inner: DecoderFactory): DecoderFactory {
  return (item, opts) => {
    const proc = inner(item, opts);
    if (proc.pid !== undefined) pids.set(item.entryId, proc.pid);
    return proc;
  };
}

export interface Harness {
  player: Player;
  sink: RecordingSink;
  ended: { item: PlayItem; end: TrackEnd }[];
  log: ReturnType<typeof memoryLog>;
  /** Resolves once `count` tracks have ended. */
  endedCount: (count: number) => Promise<void>;
  idle: () => Promise<void>;
}

/**
 * A player on a RecordingSink fed from `items`, with the real decoder unless `opts` says
 * otherwise, and helpers to wait for its events.
 */
export function harness(
  items: PlayItem[],
  opts: Partial<PlayerOptions> & { hook?: WriteHook } = {},
): Harness {
  const sink = opts.sink instanceof RecordingSink ? opts.sink : new RecordingSink(opts.hook);
  const log = memoryLog();
  const queue = queueOf(items);
  const player = new Player({
    sink,
    tools: defaultTools,
    log,
    nextItem: queue.take,
    limiterCeilingDb: -1,
    volume: 100,
    ...opts,
  });
  const ended: { item: PlayItem; end: TrackEnd }[] = [];
  const waiters: (() => void)[] = [];
  player.on('ended', (item, end) => {
    ended.push({ item, end });
    waiters.splice(0).forEach((w) => w());
  });
  const endedCount = async (count: number) => {
    while (ended.length < count) await new Promise<void>((r) => waiters.push(r));
  };
  const idle = () => new Promise<void>((r) => player.on('idle', r));
  return { player, sink, ended, log, endedCount, idle };
}
