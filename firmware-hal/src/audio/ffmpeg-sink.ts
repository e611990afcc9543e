import { once } from 'node:events';
import {
  FfmpegError,
  pcmInput,
  runFfmpeg,
  spawnFfmpeg,
  type FfmpegChildProcess,
  type MediaTools,
} from '@jukebox/media';
import { framesIn, SinkFailure } from './sink-base.js';
import type { AudioSink } from './types.js';

export type DeviceOutput = 'alsa' | 'pulse';

export interface FfmpegSinkOptions {
  output: DeviceOutput;
  /** ALSA device ("default", "hw:0", "null") or PulseAudio sink name; pulse may omit it. */
  device?: string;
  tools?: MediaTools;
}

/**
 * The arguments of the long-lived sink process: PCM on stdin, out to the device. ALSA takes
 * the device as the output name; PulseAudio takes it as `-device` (the output name is only
 * the stream name shown in the mixer).
 */
export function sinkArgs(output: DeviceOutput, device?: string): string[] {
  // Raw PCM needs no probing; without these ffmpeg buffers ~5 s of input (analyzeduration)
  // before it opens the device, which delays the first sound and any device error.
  const pcm = ['-probesize', '32', '-analyzeduration', '0', ...pcmInput('pipe:0')];
  if (output === 'alsa') return [...pcm, '-f', 'alsa', device ?? 'default'];
  return [...pcm, '-f', 'pulse', ...(device === undefined ? [] : ['-device', device]), 'jukebox'];
}

export function describeDevice(output: DeviceOutput, device?: string): string {
  return `${output === 'alsa' ? 'ALSA' : 'PulseAudio'} ${device ?? 'default'}`;
}

/**
 * One long-lived `ffmpeg -f s16le ... -i pipe:0 -f alsa|pulse <device>`. The device paces
 * the stream: ffmpeg blocks on the sound card, its stdin pipe fills, and write() waits for
 * 'drain'. If ffmpeg dies, the sink fails once with ffmpeg's own message.
 */
export function createFfmpegSink(opts: FfmpegSinkOptions): AudioSink {
  const child = spawnFfmpeg(sinkArgs(opts.output, opts.device), {
    stdin: 'pipe',
    ...(opts.tools ? { tools: opts.tools } : {}),
  });
  return new FfmpegSink(child, opts);
}

class FfmpegSink implements AudioSink {
  readonly kind: DeviceOutput;
  readonly description: string;
  private frames = 0;
  private closing: Promise<void> | null = null;
  private readonly failure = new SinkFailure();
  /** Settles when ffmpeg exits, whatever the reason; never rejects. */
  private readonly exited: Promise<void>;

  constructor(
    private readonly child: FfmpegChildProcess,
    opts: FfmpegSinkOptions,
  ) {
    this.kind = opts.output;
    this.description = describeDevice(opts.output, opts.device);
    // The sink's stdout carries nothing, but an unread pipe must not fill up.
    child.stdout.resume();
    this.exited = child.done.then(
      () => {
        if (!this.closing) this.failure.fail(new Error(`${this.description}: ffmpeg exited early`));
      },
      (err: unknown) => {
        if (!this.closing) this.failure.fail(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  get framesWritten(): number {
    return this.frames;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure.failed) throw this.failure.failed;
    if (this.closing) throw new Error(`${this.description} is closed`);
    const stdin = this.child.stdin;
    if (!stdin) throw new Error(`${this.description}: no stdin`);
    const n = framesIn(chunk);
    this.frames += n;
    if (!stdin.write(chunk)) {
      // Backpressure: wait for the pipe to drain, or for ffmpeg to die (no drain would come).
      // EPIPE arrives before the exit status; wait for the latter, it carries ffmpeg's reason.
      const drained = await Promise.race([
        once(stdin, 'drain').then(
          () => true,
          () => false,
        ),
        this.exited.then(() => false),
      ]);
      if (!drained) await this.exited;
    }
    if (this.failure.failed) throw this.failure.failed;
  }

  /** Ends stdin so ffmpeg plays out what it has and exits; kills it if it will not. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.child.stdin?.end();
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS).unref(),
      );
      if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.child.kill();
      await this.exited;
    })();
    return this.closing;
  }

  onError(listener: (err: Error) => void): void {
    this.failure.on(listener);
  }
}

/** Long enough for ffmpeg to play out a device buffer after stdin ends. */
const CLOSE_TIMEOUT_MS = 5_000;

/** How long a device may take to accept 50 ms of silence before it counts as unusable. */
export const PROBE_TIMEOUT_MS = 5000;

/**
 * Checks that a device works by playing 50 ms of silence to it through ffmpeg. Resolves, or
 * rejects with an FfmpegError naming the device problem (e.g. "cannot open audio device").
 * ALSA opens devices blocking: a device held by another program would hang the probe (and the
 * core's start) for ever, so the probe gives up after {@link PROBE_TIMEOUT_MS}.
 */
export async function probeDevice(
  output: DeviceOutput,
  device: string | undefined,
  tools?: MediaTools,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<void> {
  const silence = Buffer.alloc((44_100 / 20) * 4);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await runFfmpeg(sinkArgs(output, device), {
      input: silence,
      signal,
      ...(tools ? { tools } : {}),
    });
  } catch (err) {
    if (err instanceof FfmpegError && err.kind === 'cancelled' && signal.aborted) {
      throw new FfmpegError({
        kind: 'failed',
        executable: err.executable,
        args: err.args,
        exitCode: null,
        signal: err.signal,
        stderrTail: err.stderrTail,
        message: `${describeDevice(output, device)} is not usable: it did not accept audio within ${timeoutMs} ms (busy?)`,
        cause: err,
      });
    }
    if (err instanceof FfmpegError && err.kind === 'failed') {
      throw new FfmpegError({
        kind: err.kind,
        executable: err.executable,
        args: err.args,
        exitCode: err.exitCode,
        signal: err.signal,
        stderrTail: err.stderrTail,
        message: `${describeDevice(output, device)} is not usable: ${err.message}`,
        cause: err,
      });
    }
    throw err;
  }
}
