import type { AudioSink } from '@jukebox/firmware-hal/audio';
import { ffmpegDecoder, toError, TrackDecoder } from './decoder.js';
import { TypedEmitter } from './emitter.js';
import { FrameCutter, framesToMs, SINK_BYTES_PER_FRAME } from './pcm.js';
import type {
  PlayerEvents,
  PlayerOptions,
  PlayerState,
  PlayerStatus,
  PlayItem,
  TrackEnd,
} from './types.js';
import { applyGain, clampVolume, volumeToGain } from './volume.js';

/** Default lead time for starting the next decoder before the current one runs dry. */
/** The `reason` of tracks cut by `stop()` (shutdown), as opposed to skips and failures. */
export const STOPPED_REASON = 'stopped';

export const DEFAULT_PREFETCH_MS = 5000;
/** `position` events go out about four times a second while a track plays. */
const POSITION_INTERVAL_MS = 250;

/** The track being written into the sink. */
interface Playing {
  track: TrackDecoder;
  /** Frames read from the decoder (may run ahead of the sink by the pipe's buffer). */
  framesRead: number;
  /** Frames the sink has accepted for this track. */
  framesWritten: number;
  startedAt: Date | null;
  /** Set by skip()/stop()/a sink failure: why this track is being cut short. */
  abort: string | null;
  /** The decoder's output has been fully read; a skip then has nothing left to cut. */
  drained: boolean;
  prefetchRequested: boolean;
}

/**
 * The gapless player. One sink for its whole life; one decoder per track whose PCM is
 * written into that sink in order, so track N+1's first sample follows track N's last with
 * nothing between. While a track plays, the next item is taken and its decoder started
 * ahead of time (the decoder's pipe bounds how much it buffers), so the sink never waits on
 * ffmpeg start-up between tracks. Master volume is applied here, per write (~93 ms); track
 * gain and the limiter are applied by the decoder.
 *
 * A failing track (missing file, bad data, ffmpeg missing or crashing) ends `aborted` with
 * the decoder's error as the reason and the next one plays; what was already written stays.
 * A failing sink is reported as `error` and stops the player.
 */
export class Player extends TypedEmitter<PlayerEvents> {
  private readonly sink: AudioSink;
  private readonly opts: PlayerOptions;
  private readonly prefetchMs: number;
  private state: PlayerState = 'idle';
  private volume: number;
  private gain: number;
  private current: Playing | null = null;
  /** The prefetched next decoder (null inside: there was nothing to prefetch). */
  private next: Promise<TrackDecoder | null> | null = null;
  private readonly live = new Set<TrackDecoder>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private readonly stopSignal: Promise<void>;
  private signalStop: () => void = () => {};
  private woken = false;
  private wakeWaiter: (() => void) | null = null;
  private idleAnnounced = false;
  private positionTimer: NodeJS.Timeout | null = null;

  constructor(opts: PlayerOptions) {
    super((err) => opts.log.error({ err }, 'player event listener threw'));
    this.opts = opts;
    this.sink = opts.sink;
    this.prefetchMs = opts.prefetchMs ?? DEFAULT_PREFETCH_MS;
    this.volume = clampVolume(opts.volume);
    this.gain = volumeToGain(this.volume);
    this.stopSignal = new Promise((resolve) => (this.signalStop = resolve));
    this.sink.onError((err) => this.failSink(err));
  }

  /** Begins pulling items from `nextItem`. Calling it again, or after stop(), does nothing. */
  start(): void {
    if (this.loop !== null || this.stopping) return;
    this.positionTimer = setInterval(() => this.emitPosition(), POSITION_INTERVAL_MS);
    this.positionTimer.unref();
    this.loop = this.run().catch((err: unknown) => this.failSink(toError(err)));
  }

  /** Tells an idle player that `nextItem` may now return something. */
  wake(): void {
    this.woken = true;
    this.wakeWaiter?.();
  }

  /** Cuts the current track short (it ends `aborted`, reason 'skipped'); the next one plays. */
  skip(): void {
    const playing = this.current;
    if (playing === null || playing.drained || playing.abort !== null) return;
    playing.abort = 'skipped';
    void playing.track.kill();
  }

  /** Sets the master volume (0..100, clamped); heard from the next write. Returns the value. */
  setVolume(volume: number): number {
    this.volume = clampVolume(volume);
    this.gain = volumeToGain(this.volume);
    return this.volume;
  }

  /**
   * Aborts the current track, drops any prefetched one, reaps every decoder and closes the
   * sink. Resolves when all of that is done; idempotent.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  status(): PlayerStatus {
    const playing = this.current;
    const current =
      playing?.startedAt != null
        ? {
            item: playing.track.item,
            positionMs: framesToMs(playing.framesWritten),
            startedAt: playing.startedAt,
          }
        : null;
    return { state: this.state, current, volume: this.volume };
  }

  /** Pids of decoders that have not been reaped yet (for diagnostics and tests). */
  decoderPids(): number[] {
    return [...this.live].flatMap((t) => (t.pid === undefined ? [] : [t.pid]));
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const track = await this.takeTrack();
      if (this.stopping) {
        if (track !== null) await this.discard(track);
        break;
      }
      if (track === null) {
        await this.idleUntilWoken();
        continue;
      }
      await this.play(track);
    }
  }

  /** The prefetched decoder if there is one, otherwise a freshly taken item. */
  private async takeTrack(): Promise<TrackDecoder | null> {
    const pending = this.next;
    this.next = null;
    if (pending !== null) {
      const track = await pending;
      if (track !== null || this.stopping) return track;
    }
    this.woken = false;
    return this.open(await this.take(), false);
  }

  private async take(): Promise<{ item: PlayItem; takenAt: number } | null> {
    let asked: Promise<PlayItem | null>;
    try {
      asked = Promise.resolve(this.opts.nextItem());
    } catch (err) {
      asked = Promise.reject(toError(err));
    }
    const settled = asked.then(
      (item) => item,
      (err: unknown) => {
        this.opts.log.error({ err }, 'nextItem failed; idling until woken');
        return null;
      },
    );
    // stop() must not wait on a queue that never answers; an item that arrives after the
    // stop was still taken from the queue, so it is reported as ended rather than dropped.
    const item = await Promise.race([settled, this.stopSignal.then(() => undefined)]);
    if (item === undefined) {
      void settled.then((late) => {
        if (late !== null) this.endUnplayed(late);
      });
      return null;
    }
    return item === null ? null : { item, takenAt: Date.now() };
  }

  private open(
    taken: { item: PlayItem; takenAt: number } | null,
    prefetched: boolean,
  ): TrackDecoder | null {
    if (taken === null) return null;
    if (this.stopping) {
      this.endUnplayed(taken.item);
      return null;
    }
    const track = new TrackDecoder(
      taken.item,
      taken.takenAt,
      prefetched,
      this.opts.decoder ?? ffmpegDecoder,
      { tools: this.opts.tools, limiterCeilingDb: this.opts.limiterCeilingDb },
    );
    this.live.add(track);
    void track.exited.then(() => this.live.delete(track));
    return track;
  }

  private async idleUntilWoken(): Promise<void> {
    if (this.woken) return;
    this.state = 'idle';
    if (!this.idleAnnounced) {
      this.idleAnnounced = true;
      this.opts.log.info({}, 'player idle');
      this.emit('idle');
    }
    await Promise.race([
      new Promise<void>((resolve) => (this.wakeWaiter = resolve)),
      this.stopSignal,
    ]);
    this.wakeWaiter = null;
  }

  private async play(track: TrackDecoder): Promise<void> {
    const playing: Playing = {
      track,
      framesRead: 0,
      framesWritten: 0,
      startedAt: null,
      abort: null,
      drained: false,
      prefetchRequested: false,
    };
    this.current = playing;
    this.state = 'playing';
    this.idleAnnounced = false;
    const cutter = new FrameCutter();
    let readError: Error | null = null;
    try {
      reading: for await (const chunk of track.output()) {
        for (const piece of cutter.push(chunk as Buffer)) {
          if (playing.abort !== null) break reading;
          playing.framesRead += piece.length / SINK_BYTES_PER_FRAME;
          await this.write(playing, piece);
        }
        if (playing.abort !== null) break;
        this.maybePrefetch(playing, false);
      }
    } catch (err) {
      readError = toError(err);
    }
    if (playing.abort === null && readError === null) {
      playing.drained = true;
      this.maybePrefetch(playing, true);
    } else {
      await track.kill();
    }
    const exitError = await track.exited;
    this.live.delete(track);
    if (cutter.pendingBytes > 0) {
      this.opts.log.warn(
        { path: track.item.path, bytes: cutter.pendingBytes },
        'partial frame dropped',
      );
    }
    const failure = playing.abort ?? exitError?.message ?? readError?.message ?? null;
    this.current = null;
    this.end(track.item, {
      status: failure === null ? 'completed' : 'aborted',
      playedMs: framesToMs(playing.framesWritten),
      framesWritten: playing.framesWritten,
      ...(failure === null ? {} : { reason: failure }),
    });
  }

  /** Hands one whole-frame slice to the sink at the current volume. */
  private async write(playing: Playing, piece: Buffer): Promise<void> {
    const pcm = applyGain(piece, this.gain);
    let pending: Promise<void>;
    try {
      pending = this.sink.write(pcm);
    } catch (err) {
      pending = Promise.reject(toError(err));
    }
    if (playing.startedAt === null) {
      const at = new Date();
      playing.startedAt = at;
      const { item, takenAt, prefetched } = playing.track;
      const latencyMs = at.getTime() - takenAt;
      this.opts.log.info(
        { entryId: item.entryId, trackId: item.trackId, latencyMs },
        'track started',
      );
      this.emit('started', item, at, { latencyMs, prefetched });
    }
    let accepted: boolean;
    try {
      // A dead sink may never settle its write; stop() must still be able to finish.
      accepted = await Promise.race([pending.then(() => true), this.stopSignal.then(() => false)]);
    } catch (err) {
      playing.abort ??= `sink failed: ${toError(err).message}`;
      this.failSink(toError(err));
      return;
    }
    if (accepted) playing.framesWritten += pcm.length / SINK_BYTES_PER_FRAME;
  }

  /** Takes the next item and starts its decoder once the current one is near its end. */
  private maybePrefetch(playing: Playing, drained: boolean): void {
    if (playing.prefetchRequested || this.next !== null || this.stopping) return;
    const remainingMs = playing.track.item.durationMs - framesToMs(playing.framesRead);
    if (!drained && remainingMs > this.prefetchMs) return;
    playing.prefetchRequested = true;
    this.next = this.take().then((taken) => this.open(taken, true));
  }

  private end(item: PlayItem, end: TrackEnd): void {
    const fields = { entryId: item.entryId, trackId: item.trackId, ...end };
    if (end.status === 'completed') this.opts.log.info(fields, 'track ended');
    else this.opts.log.warn(fields, 'track aborted');
    this.emit('ended', item, end);
  }

  private emitPosition(): void {
    const playing = this.current;
    if (playing?.startedAt == null) return;
    this.emit('position', playing.track.item, framesToMs(playing.framesWritten));
  }

  private failSink(err: Error): void {
    if (this.stopping) return;
    this.opts.log.error({ err, sink: this.sink.description }, 'audio sink failed; stopping');
    this.emit('error', err);
    void this.stop();
  }

  private async discard(track: TrackDecoder): Promise<void> {
    await track.kill();
    this.live.delete(track);
    this.endUnplayed(track.item);
  }

  /** An item taken from the queue that the stop kept from playing at all. */
  private endUnplayed(item: PlayItem): void {
    this.end(item, { status: 'aborted', playedMs: 0, framesWritten: 0, reason: STOPPED_REASON });
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.current !== null) this.current.abort ??= STOPPED_REASON;
    this.signalStop();
    if (this.positionTimer !== null) clearInterval(this.positionTimer);
    await Promise.all([...this.live].map((t) => t.kill()));
    await this.loop;
    const pending = this.next;
    this.next = null;
    const prefetched = pending === null ? null : await pending;
    if (prefetched !== null) await this.discard(prefetched);
    // Anything spawned while the loop was winding down.
    await Promise.all([...this.live].map((t) => t.kill()));
    this.live.clear();
    this.current = null;
    this.state = 'stopped';
    try {
      await this.sink.close();
    } catch (err) {
      this.opts.log.error({ err }, 'closing the audio sink failed');
    }
  }
}
