import { randomBytes } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { DEFAULT_MAX_SKEW_MS, verifyHello } from '@jukebox/crypto';
import {
  boxControlMessage,
  helloMessage,
  type BoxControlMessage,
  type HelloMessage,
  type StatusData,
  type TelemetryRecord,
} from '@jukebox/protocol';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { BoxLinkMetrics } from './link-metrics.js';

type ControlErrorCode =
  | 'bad_message'
  | 'bad_signature'
  | 'unknown_box'
  | 'revoked'
  | 'clock_skew'
  | 'rate_limited'
  | 'internal';

/** What the control channel needs from storage (implemented by BoxLinkService). */
export interface ChannelBackend {
  lookupBox(
    boxId: string,
  ): Promise<{ id: string; status: string; signingPublicKey: string } | undefined>;
  /** Records the accepted hello; returns the box's ack and its newest manifest version. */
  accepted(
    boxId: string,
    hello: HelloMessage,
    now: number,
  ): Promise<{ ackedSeq: number; newestManifest: number }>;
  /** Stores a batch; returns the box's ack. */
  storeTelemetry(boxId: string, records: TelemetryRecord[], now: number): Promise<number>;
  recordStatus(boxId: string, status: StatusData, now: number): Promise<void>;
  disconnected(boxId: string, now: number): Promise<void>;
}

/** The hub's side of a session: where it registers once the box is known. */
export interface SessionHost {
  readonly backend: ChannelBackend;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: BoxLinkMetrics;
  /** Batches a session may have waiting for storage before it is cut off. */
  readonly maxQueued: number;
  register(session: BoxSession): void;
  /** True when the session was the box's current one. */
  unregister(session: BoxSession): boolean;
}

/**
 * Frames the server sends to many boxes are serialised and encoded once and sent as this
 * buffer (a text frame): ws would otherwise encode a string anew for every socket.
 */
export function sharedFrame(message: object): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
export const PING_FRAME = sharedFrame({ type: 'ping' });
const TEXT_FRAME = { binary: false } as const;
const ackText = (seq: number) => `{"type":"ack","seq":${seq}}`;

/** Close codes: policy (a refusal), a newer connection of the box, a server failure. */
const CLOSE_REFUSED = 1008;
const CLOSE_REPLACED = 4000;
const CLOSE_INTERNAL = 1011;

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'message';
  return `${where}: ${issue?.message ?? 'invalid'}`.slice(0, 400);
}

function parseFrame(data: RawData, isBinary: boolean): unknown {
  if (isBinary) return undefined;
  try {
    return JSON.parse((data as Buffer).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * One box's control channel connection, from the challenge to the close.
 *
 * States: `challenge` (nonce sent, waiting for the hello), `verifying` (the hello is being
 * checked), `open` (welcomed; telemetry, status and pong flow), `closed`. Storage work runs one
 * task at a time per connection, so batches are stored and acknowledged in the order they came.
 * A connection holds no timer of its own: the hub's sweep pings and drops silent ones.
 */
export class BoxSession {
  state: 'challenge' | 'verifying' | 'open' | 'closed' = 'challenge';
  /** The box the hello claims (set before it is verified; `open` means verified). */
  boxId: string | null = null;
  lastSeen: number;
  readonly openedAt: number;
  readonly #nonce: string;
  #chain: Promise<void> = Promise.resolve();
  #queued = 0;

  constructor(
    readonly socket: WebSocket,
    private readonly host: SessionHost,
  ) {
    this.openedAt = this.lastSeen = host.clock.now();
    // 32 random bytes: never repeated, so a recorded hello is useless on any other connection.
    this.#nonce = randomBytes(32).toString('base64url');
    socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    socket.on('close', () => this.#onClose());
    this.send(JSON.stringify({ type: 'challenge', nonce: this.#nonce }));
  }

  /** Sends a text frame if the socket is open; frames for a closing socket are dropped. */
  send(text: string | Buffer): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text, TEXT_FRAME);
  }

  /** Sends an error and keeps the connection (a bad message after the handshake). */
  sendError(code: ControlErrorCode, message: string): void {
    this.send(JSON.stringify({ type: 'error', code, message }));
  }

  /** Sends an error and closes: a refused handshake, a revocation. */
  refuse(code: ControlErrorCode, message: string): void {
    if (this.state === 'closed') return;
    if (this.state !== 'open') this.host.metrics.handshakeRefusals.inc({ code });
    this.state = 'closed';
    this.sendError(code, message);
    this.socket.close(code === 'internal' ? CLOSE_INTERNAL : CLOSE_REFUSED, code);
  }

  /** A newer connection of the same box took over. */
  replaced(): void {
    this.state = 'closed';
    this.socket.close(CLOSE_REPLACED, 'replaced by a newer connection of this box');
  }

  /** Cuts a silent or stuck connection without a closing handshake. */
  terminate(): void {
    this.state = 'closed';
    this.socket.terminate();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    this.lastSeen = this.host.clock.now();
    const raw = parseFrame(data, isBinary);
    if (this.state === 'challenge') {
      const hello = helloMessage.safeParse(raw);
      if (!hello.success) {
        this.refuse(
          'bad_message',
          `expected a hello answering the challenge: ${describe(hello.error)}`,
        );
        return;
      }
      this.state = 'verifying';
      this.boxId = hello.data.boxId;
      this.#hello(hello.data).catch((err: unknown) => {
        this.host.log.error({ err, boxId: this.boxId }, 'control channel handshake failed');
        this.refuse('internal', 'the server could not check the hello; try again later');
      });
      return;
    }
    if (this.state === 'verifying') {
      this.refuse('bad_message', 'wait for the welcome before sending anything else');
      return;
    }
    const parsed = boxControlMessage.safeParse(raw);
    if (!parsed.success) {
      this.sendError('bad_message', describe(parsed.error));
      return;
    }
    this.#handle(parsed.data);
  }

  #handle(message: BoxControlMessage): void {
    const boxId = this.boxId as string;
    switch (message.type) {
      case 'telemetry':
        this.#enqueue(async () => {
          const ack = await this.host.backend.storeTelemetry(
            boxId,
            message.records,
            this.host.clock.now(),
          );
          this.send(ackText(ack));
          this.host.metrics.acksSent.inc();
        });
        return;
      case 'status':
        if (message.commandId !== undefined) {
          this.host.log.info(
            {
              boxId,
              commandId: message.commandId,
              result: message.commandResult,
              detail: message.detail,
            },
            'box answered a command',
          );
        }
        this.#enqueue(() =>
          this.host.backend.recordStatus(boxId, message.status, this.host.clock.now()),
        );
        return;
      case 'pong':
        return;
      case 'hello':
        this.sendError('bad_message', 'this connection has said hello already');
        return;
    }
  }

  /**
   * Runs storage work after the work before it. A box that sends faster than the database
   * stores is cut off (it reconnects and resends from its ack) rather than queued without end.
   * A failure to store also closes the connection: the box then resends from its ack, instead
   * of waiting for an ack that will not come.
   */
  #enqueue(task: () => Promise<void>): void {
    if (this.#queued >= this.host.maxQueued) {
      this.refuse('rate_limited', 'too many messages waiting to be stored; reconnect and resend');
      return;
    }
    this.#queued++;
    this.#chain = this.#chain
      .then(() => (this.state === 'open' ? task() : undefined))
      .catch((err: unknown) => {
        this.host.log.error({ err, boxId: this.boxId }, 'control channel message not stored');
        this.refuse('internal', 'the server could not store that message; resend it later');
      })
      .finally(() => {
        this.#queued--;
      });
  }

  async #hello(hello: HelloMessage): Promise<void> {
    const { backend, clock } = this.host;
    const box = await backend.lookupBox(hello.boxId);
    if (this.#gone()) return;
    if (!box) {
      this.refuse('unknown_box', 'no box is enrolled with this id');
      return;
    }
    if (!verifyHello(hello, this.#nonce, box.signingPublicKey)) {
      this.refuse(
        'bad_signature',
        "the hello signature does not verify with the box key and this connection's nonce",
      );
      return;
    }
    if (box.status !== 'active') {
      this.refuse('revoked', 'this box has been revoked');
      return;
    }
    const now = clock.now();
    if (Math.abs(now - hello.timestamp) > DEFAULT_MAX_SKEW_MS) {
      const seconds = Math.round((hello.timestamp - now) / 1000);
      this.refuse('clock_skew', `the box clock is ${seconds} s off the server clock`);
      return;
    }
    const { ackedSeq, newestManifest } = await backend.accepted(box.id, hello, now);
    // The socket may have gone (or the box been revoked) while the database answered; the
    // hello was recorded, so record the end too, or the box would look connected for a while.
    if (this.#gone()) {
      await backend.disconnected(box.id, this.host.clock.now());
      return;
    }
    this.state = 'open';
    this.host.register(this);
    this.send(
      JSON.stringify({ type: 'welcome', boxId: box.id, serverTime: new Date(now).toISOString() }),
    );
    this.send(ackText(ackedSeq));
    this.host.metrics.acksSent.inc();
    if (hello.ackedManifestVersion < newestManifest) {
      this.send(JSON.stringify({ type: 'manifest-notice', version: newestManifest }));
    }
  }

  /** Read through a method: TypeScript would keep a narrowing of `state` across an await. */
  #gone(): boolean {
    return this.state === 'closed';
  }

  #onClose(): void {
    const wasCurrent = this.host.unregister(this);
    this.state = 'closed';
    if (wasCurrent && this.boxId !== null) {
      const boxId = this.boxId;
      this.host.backend.disconnected(boxId, this.host.clock.now()).catch((err: unknown) => {
        this.host.log.warn({ err, boxId }, 'could not record a control channel disconnect');
      });
    }
  }
}
