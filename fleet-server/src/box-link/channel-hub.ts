import type { WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import {
  BoxSession,
  PING_FRAME,
  sharedFrame,
  type ChannelBackend,
  type SessionHost,
} from './channel-session.js';
import type { BoxLinkMetrics } from './link-metrics.js';

export interface ChannelTimings {
  /** The server pings every open channel this often (and runs its other checks). */
  pingIntervalMs: number;
  /** A channel with no frame from the box for this long is dropped. */
  idleTimeoutMs: number;
  /** A connection that has not completed its hello after this long is dropped. */
  handshakeTimeoutMs: number;
}

export const DEFAULT_CHANNEL_TIMINGS: ChannelTimings = {
  pingIntervalMs: 30_000,
  idleTimeoutMs: 90_000,
  handshakeTimeoutMs: 30_000,
};

/** What the sweep asks of storage, beside what sessions ask. */
export interface HubBackend extends ChannelBackend {
  /** Records that these boxes were seen (one write for many boxes). */
  touch(boxIds: readonly string[], now: number): Promise<void>;
  /** Boxes revoked at or after `since` (possibly by another server process). */
  revokedSince(since: number): Promise<string[]>;
}

export interface HubOptions {
  backend: HubBackend;
  clock: Clock;
  log: Logger;
  metrics: BoxLinkMetrics;
  timings: ChannelTimings;
}

/** Manifest notices by version kept serialised; a push to many boxes shares one string. */
const NOTICE_CACHE_SIZE = 64;
/** Storage tasks one connection may have waiting. */
const MAX_QUEUED_PER_SESSION = 16;

/**
 * Every control channel of this process. Built for thousands of boxes per process: a box
 * costs one map entry and its session object; one shared sweep (not a timer per socket)
 * pings, drops silent connections and stalled handshakes, records who was seen, and closes
 * channels of boxes another process revoked; a notice is serialised once and the same string
 * sent to every box.
 */
export class ControlChannelHub {
  readonly #open = new Map<string, BoxSession>();
  readonly #handshaking = new Set<BoxSession>();
  readonly #notices = new Map<number, Buffer>();
  readonly #host: SessionHost;
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;
  #revocationsCheckedAt: number;

  constructor(private readonly opts: HubOptions) {
    this.#revocationsCheckedAt = opts.clock.now();
    this.#host = {
      backend: opts.backend,
      clock: opts.clock,
      log: opts.log,
      metrics: opts.metrics,
      maxQueued: MAX_QUEUED_PER_SESSION,
      register: (session) => this.#register(session),
      unregister: (session) => this.#unregister(session),
    };
  }

  /** Boxes with an open (welcomed) channel here. */
  get size(): number {
    return this.#open.size;
  }

  isConnected(boxId: string): boolean {
    return this.#open.has(boxId);
  }

  /** When the box last sent anything on its open channel here. */
  lastSeen(boxId: string): number | undefined {
    return this.#open.get(boxId)?.lastSeen;
  }

  /** Takes a new WebSocket: the session sends the challenge at once. */
  accept(socket: WebSocket): void {
    this.#handshaking.add(new BoxSession(socket, this.#host));
  }

  /** Sends `manifest-notice` if the box's channel is open here; otherwise nothing. */
  notifyManifest(boxId: string, version: number): void {
    const session = this.#open.get(boxId);
    if (session) session.send(this.#noticeFrame(version));
  }

  /** Closes the box's channel (open or still in its handshake) with `error revoked`. */
  revoke(boxId: string): void {
    this.#open.get(boxId)?.refuse('revoked', 'this box has been revoked');
    for (const session of this.#handshaking) {
      if (session.boxId === boxId) session.refuse('revoked', 'this box has been revoked');
    }
  }

  /** Starts the periodic sweep. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.opts.log.warn({ err }, 'channel sweep failed'));
    }, this.opts.timings.pingIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * One round of upkeep (the timer calls it; tests call it after moving the clock): drop
   * handshakes past their deadline and channels silent past the idle timeout, ping the rest,
   * record them as seen, and close channels of boxes revoked since the last round.
   */
  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const now = this.opts.clock.now();
      const { idleTimeoutMs, handshakeTimeoutMs } = this.opts.timings;
      for (const session of this.#handshaking) {
        if (now - session.openedAt > handshakeTimeoutMs) {
          this.#handshaking.delete(session);
          session.terminate();
        }
      }
      const seen: string[] = [];
      for (const [boxId, session] of this.#open) {
        if (now - session.lastSeen > idleTimeoutMs) {
          session.terminate();
        } else {
          session.send(PING_FRAME);
          seen.push(boxId);
        }
      }
      if (seen.length) await this.opts.backend.touch(seen, now);
      // Overlap the windows a little: a revocation committed just before the last check
      // might not have been visible to it.
      const since = this.#revocationsCheckedAt - this.opts.timings.pingIntervalMs;
      this.#revocationsCheckedAt = now;
      if (this.#open.size > 0) {
        for (const boxId of await this.opts.backend.revokedSince(since)) this.revoke(boxId);
      }
    } finally {
      this.#sweeping = false;
    }
  }

  #register(session: BoxSession): void {
    this.#handshaking.delete(session);
    const boxId = session.boxId as string;
    const previous = this.#open.get(boxId);
    this.#open.set(boxId, session);
    if (previous && previous !== session) previous.replaced();
  }

  #unregister(session: BoxSession): boolean {
    this.#handshaking.delete(session);
    if (session.boxId !== null && this.#open.get(session.boxId) === session) {
      this.#open.delete(session.boxId);
      return true;
    }
    return false;
  }

  #noticeFrame(version: number): Buffer {
    let frame = this.#notices.get(version);
    if (frame === undefined) {
      if (this.#notices.size >= NOTICE_CACHE_SIZE) this.#notices.clear();
      frame = sharedFrame({ type: 'manifest-notice', version });
      this.#notices.set(version, frame);
    }
    return frame;
  }
}
