import { open, type FileHandle } from 'node:fs/promises';
import { Pacer } from './pace.js';
import { framesIn, SinkFailure } from './sink-base.js';
import type { AudioSink, PaceClock } from './types.js';
import { WAV_HEADER_BYTES, wavHeader, wavSizePatches } from './wav-header.js';

export interface WavSinkOptions {
  path: string;
  /** 1 = real time (default), 0 = as fast as the writer goes. */
  pace?: number;
  leadMs?: number;
  clock?: PaceClock;
  /** How often the header sizes are brought up to date while running. Default 2 s. */
  patchIntervalMs?: number;
}

export const DEFAULT_PATCH_INTERVAL_MS = 2_000;

/**
 * Writes sink PCM into a WAV file: the 44-byte header first (sizes 0), PCM after it, and the
 * RIFF and data sizes patched every couple of seconds and on close, so a reader looking at the
 * file mid-run (a test, an operator) sees a valid WAV of what has been played so far.
 */
export async function createWavSink(opts: WavSinkOptions): Promise<AudioSink> {
  const fh = await open(opts.path, 'w');
  try {
    await fh.write(wavHeader(0), 0, WAV_HEADER_BYTES, 0);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return new WavSink(fh, opts);
}

class WavSink implements AudioSink {
  readonly kind = 'wav';
  readonly description: string;
  private frames = 0;
  /** Bytes handed to the file (positions are assigned in order of write()). */
  private dataBytes = 0;
  /** Bytes whose write has completed: only these may be claimed by the header. */
  private durableBytes = 0;
  private patchedBytes = 0;
  private closing: Promise<void> | null = null;
  /** Serializes data writes and header patches on the one file handle. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly failure = new SinkFailure();
  private readonly pacer: Pacer;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly fh: FileHandle,
    opts: WavSinkOptions,
  ) {
    const pace = opts.pace ?? 1;
    this.description = `WAV file ${opts.path}${pace === 1 ? '' : ` (pace ${pace})`}`;
    this.pacer = new Pacer({
      pace,
      ...(opts.leadMs === undefined ? {} : { leadMs: opts.leadMs }),
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    this.timer = setInterval(
      () => void this.patch().catch(() => undefined),
      opts.patchIntervalMs ?? DEFAULT_PATCH_INTERVAL_MS,
    );
    this.timer.unref();
  }

  get framesWritten(): number {
    return this.frames;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure.failed) throw this.failure.failed;
    if (this.closing) throw new Error(`${this.description} is closed`);
    const n = framesIn(chunk);
    const at = WAV_HEADER_BYTES + this.dataBytes;
    this.dataBytes += chunk.length;
    this.frames += n;
    await this.enqueue(async () => {
      await this.fh.write(chunk, 0, chunk.length, at);
      this.durableBytes += chunk.length;
    });
    await this.pacer.admit(n);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      try {
        await this.patch();
        await this.fh.sync();
      } finally {
        await this.fh.close();
      }
    })();
    return this.closing;
  }

  onError(listener: (err: Error) => void): void {
    this.failure.on(listener);
  }

  /** Brings the header sizes up to the data written so far (no-op when nothing changed). */
  private patch(): Promise<void> {
    return this.enqueue(async () => {
      const bytes = this.durableBytes;
      if (bytes === this.patchedBytes) return;
      for (const [offset, value] of wavSizePatches(bytes)) {
        await this.fh.write(value, 0, value.length, offset);
      }
      this.patchedBytes = bytes;
    });
  }

  private enqueue(op: () => Promise<unknown>): Promise<void> {
    const run = this.queue.then(op).then(
      () => undefined,
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        this.failure.fail(error);
        throw error;
      },
    );
    this.queue = run.catch(() => undefined);
    return run;
  }
}
