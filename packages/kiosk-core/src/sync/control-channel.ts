import type { KeyObject } from 'node:crypto';
import { randomInt } from 'node:crypto';
import { signHello } from '@jukebox/crypto';
import {
  MAX_CONTROL_MESSAGE_BYTES,
  serverControlMessage,
  type BoxControlMessage,
  type ServerControlMessage,
} from '@jukebox/protocol';
import WebSocket from 'ws';
import type { Logger } from '../log.js';

export type ChannelState = 'idle' | 'connecting' | 'handshake' | 'open' | 'waiting' | 'closed';

export interface ControlChannelOptions {
  /** The fleet server's base URL (http or https); the socket is at /api/v1/box/ws. */
  server: string;
  boxId: string;
  signingKey: KeyObject;
  softwareVersion: string;
  /** Values for the hello, read at each connect. */
  hello: () => { ackedManifestVersion: number; lastTelemetrySeq: number };
  log: Logger;
  /** First retry delay; doubled per failure up to `maxBackoffMs`, with jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** No frame (not even a ping) for this long means the link is dead: reconnect. */
  idleTimeoutMs?: number;
  now?: () => number;
}

export interface ControlChannelEvents {
  /** The handshake succeeded: the channel can carry telemetry. */
  open: () => void;
  /** The socket went away (a reconnect is scheduled unless the channel was closed). */
  down: (reason: string) => void;
  message: (message: ServerControlMessage) => void;
  /** The server refused the box for good (revoked, unknown): no reconnect. */
  refused: (code: string, message: string) => void;
}

const FATAL_CODES = new Set(['revoked', 'unknown_box']);

/**
 * The box's end of the control channel: one WebSocket to the fleet server, kept open with
 * capped, jittered exponential backoff. The server opens with a challenge; the box answers
 * with a hello signed by its key over the server's nonce, so a recorded hello is worthless on
 * another connection. Messages are parsed with the protocol's schemas; a malformed one is
 * logged and dropped. Per-message deflate stays off (DESIGN.md).
 */
export class ControlChannel {
  private socket: WebSocket | null = null;
  private stateValue: ChannelState = 'idle';
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly listeners: { [K in keyof ControlChannelEvents]: Set<ControlChannelEvents[K]> } =
    {
      open: new Set(),
      down: new Set(),
      message: new Set(),
      refused: new Set(),
    };
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly idleTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: ControlChannelOptions) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 90_000;
    this.now = opts.now ?? Date.now;
  }

  get state(): ChannelState {
    return this.stateValue;
  }

  on<K extends keyof ControlChannelEvents>(
    event: K,
    listener: ControlChannelEvents[K],
  ): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  start(): void {
    if (this.stateValue !== 'idle') return;
    this.connect();
  }

  /** Sends a message if the channel is open; false when it is not (the caller retries later). */
  send(message: BoxControlMessage): boolean {
    if (this.stateValue !== 'open' || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Drops the current socket and reconnects at once (e.g. after a clock or network change). */
  reconnectNow(): void {
    if (this.stateValue === 'closed') return;
    this.failures = 0;
    this.socket?.terminate();
  }

  close(): void {
    this.stateValue = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.retryTimer = null;
    this.idleTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.removeAllListeners();
    socket?.on('error', () => undefined);
    socket?.close(1001, 'box shutting down');
    setTimeout(() => socket?.terminate(), 1000).unref();
  }

  private emit<K extends keyof ControlChannelEvents>(
    event: K,
    ...args: Parameters<ControlChannelEvents[K]>
  ): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (...a: Parameters<ControlChannelEvents[K]>) => void)(...args);
      } catch (err) {
        this.opts.log.error({ err, event }, 'control channel listener failed');
      }
    }
  }

  private connect(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'connecting';
    const url = `${this.opts.server.replace(/^http/, 'ws').replace(/\/+$/, '')}/api/v1/box/ws`;
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: MAX_CONTROL_MESSAGE_BYTES,
      handshakeTimeout: 15_000,
    });
    this.socket = socket;
    let reason = 'closed';
    socket.on('open', () => {
      this.stateValue = 'handshake';
      this.touch();
    });
    socket.on('message', (data, isBinary) => {
      this.touch();
      if (isBinary) {
        this.opts.log.warn('control channel: binary frame ignored');
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        this.opts.log.warn('control channel: a frame that is not JSON was ignored');
        return;
      }
      const parsed = serverControlMessage.safeParse(raw);
      if (!parsed.success) {
        this.opts.log.warn(
          { issue: parsed.error.issues[0]?.message },
          'control channel: malformed message ignored',
        );
        return;
      }
      this.onMessage(parsed.data, socket);
    });
    socket.on('error', (err) => {
      reason = err.message;
    });
    socket.on('close', (code, why) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.idleTimer) clearTimeout(this.idleTimer);
      const wasOpen = this.stateValue === 'open';
      if (this.stateValue === 'closed') return;
      const detail = why.length > 0 ? why.toString() : reason;
      this.emit('down', `${code} ${detail}`);
      if (wasOpen) this.failures = 0;
      this.scheduleReconnect();
    });
  }

  private onMessage(message: ServerControlMessage, socket: WebSocket): void {
    switch (message.type) {
      case 'challenge': {
        const { ackedManifestVersion, lastTelemetrySeq } = this.opts.hello();
        const hello = signHello(
          {
            type: 'hello' as const,
            boxId: this.opts.boxId,
            timestamp: this.now(),
            nonce: message.nonce,
            softwareVersion: this.opts.softwareVersion,
            ackedManifestVersion,
            lastTelemetrySeq,
          },
          this.opts.signingKey,
        );
        socket.send(JSON.stringify(hello));
        return;
      }
      case 'welcome':
        this.stateValue = 'open';
        this.failures = 0;
        this.opts.log.info({ server: this.opts.server }, 'control channel open');
        this.emit('open');
        return;
      case 'ping':
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'pong' }));
        return;
      case 'error':
        this.opts.log.warn({ code: message.code, detail: message.message }, 'fleet server refused');
        if (FATAL_CODES.has(message.code)) {
          this.emit('refused', message.code, message.message);
          this.close();
        }
        return;
      default:
        this.emit('message', message);
    }
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.opts.log.warn('control channel silent for too long; reconnecting');
      this.socket?.terminate();
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private scheduleReconnect(): void {
    this.stateValue = 'waiting';
    this.failures += 1;
    const ceiling = Math.min(
      this.maxBackoffMs,
      this.initialBackoffMs * 2 ** Math.min(this.failures - 1, 20),
    );
    // Full jitter: a fleet that lost its server does not come back in lockstep.
    const delay = Math.max(
      this.initialBackoffMs / 2,
      randomInt(0, Math.max(1, Math.floor(ceiling)) + 1),
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    this.retryTimer.unref();
  }
}
