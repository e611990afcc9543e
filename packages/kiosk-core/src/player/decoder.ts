import { decodeArgs, spawnFfmpeg } from '@jukebox/media';
import type { FfmpegProcess } from '@jukebox/media';
import type { DecoderFactory, DecoderOptions, PlayItem } from './types.js';

/**
 * The production decoder: one ffmpeg per track, raw s16le 44.1 kHz stereo on stdout, with the
 * track's stored gain and the limiter applied by ffmpeg itself (decodeArgs keeps the sample
 * count identical to a plain decode, which gapless joins depend on).
 */
export const ffmpegDecoder: DecoderFactory = (item, { tools, limiterCeilingDb }) =>
  spawnFfmpeg(decodeArgs(item.input ?? item.path, { gainDb: item.gainDb ?? 0, limiterCeilingDb }), {
    tools,
  });

/**
 * One track's decoder as the player sees it: its output, how it exited, and an idempotent
 * kill. A decoder that cannot even be spawned is represented too (empty output, exit error),
 * so every failure takes the same path through the player.
 */
export class TrackDecoder {
  /** Resolves when the child has exited: null for exit 0, otherwise the reason. Never rejects. */
  readonly exited: Promise<Error | null>;
  private readonly proc: FfmpegProcess | null;
  private killing: Promise<void> | null = null;

  constructor(
    readonly item: PlayItem,
    /** `Date.now()` when the item was taken from the queue. */
    readonly takenAt: number,
    /** Opened while the previous track was still playing. */
    readonly prefetched: boolean,
    factory: DecoderFactory,
    opts: DecoderOptions,
  ) {
    let proc: FfmpegProcess | null = null;
    let exited: Promise<Error | null>;
    try {
      proc = factory(item, opts);
      exited = proc.done.then(
        () => null,
        (err: unknown) => toError(err),
      );
      // A prefetched decoder's stdout is not read yet; without a listener a stream error
      // there would be thrown as an uncaught 'error' event. The reader sees it anyway.
      proc.stdout.on('error', () => {});
    } catch (err) {
      exited = Promise.resolve(toError(err));
    }
    this.proc = proc;
    this.exited = exited;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Decoded PCM in order; empty if the decoder could not be spawned. */
  output(): AsyncIterable<Buffer> {
    return this.proc?.stdout ?? emptyOutput();
  }

  /** Kills and reaps the child; safe to call any number of times. */
  kill(): Promise<void> {
    const proc = this.proc;
    if (proc === null) return Promise.resolve();
    this.killing ??= (async () => {
      // A paused stdout with unread data never sees EOF, which would keep the child's
      // 'close' (and so the reaping) pending forever: drop the pipe first.
      proc.stdout.destroy();
      await proc.kill().catch(() => {});
      await this.exited;
    })();
    return this.killing;
  }
}

/** Normalises anything thrown into an Error, keeping an Error's own message. */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

async function* emptyOutput(): AsyncGenerator<Buffer> {}
