import {
  serverControlMessage,
  type HelloMessage,
  type ServerControlMessage,
  type TelemetryRecord,
} from '@jukebox/protocol';
import { signHello } from '@jukebox/crypto';
import type WebSocket from 'ws';
import type { FakeBox } from './fake-box.js';

type Waiter = {
  match: (m: ServerControlMessage) => boolean;
  resolve: (m: ServerControlMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
};

/** The box's end of one control channel connection, with a queue of what the server sent. */
export class FakeChannel {
  /** Messages not yet taken by `next`. */
  readonly queue: ServerControlMessage[] = [];
  /** Frames that did not parse as server messages (should stay empty). */
  readonly malformed: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  nonce: string | undefined;
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(
    readonly socket: WebSocket,
    private readonly box: FakeBox,
  ) {
    socket.on('message', (data) => {
      const text = (data as Buffer).toString('utf8');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        raw = undefined;
      }
      const parsed = serverControlMessage.safeParse(raw);
      if (!parsed.success) {
        this.malformed.push(text);
        return;
      }
      const message = parsed.data;
      const waiter = this.#waiters.find((w) => w.match(message));
      if (waiter) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      } else {
        this.queue.push(message);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.#closed = true;
        for (const w of this.#waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`channel closed (${code} ${reason.toString()}) while waiting`));
        }
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Waits for the challenge and keeps its nonce. */
  async challenge(): Promise<string> {
    const m = await this.next('challenge');
    this.nonce = m.nonce;
    return m.nonce;
  }

  /**
   * The next message of a type (or matching a predicate), taken from the queue or waited for.
   * Other messages stay queued.
   */
  next<T extends ServerControlMessage['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerControlMessage, { type: T }>>;
  next(
    match: (m: ServerControlMessage) => boolean,
    timeoutMs?: number,
  ): Promise<ServerControlMessage>;
  next(
    what: string | ((m: ServerControlMessage) => boolean),
    timeoutMs = 5000,
  ): Promise<ServerControlMessage> {
    const match = typeof what === 'string' ? (m: ServerControlMessage) => m.type === what : what;
    const index = this.queue.findIndex(match);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]!);
    if (this.#closed) return Promise.reject(new Error('channel closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; queued: ${JSON.stringify(this.queue)}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push({ match, resolve, reject, timer });
    });
  }

  /** The next ack with a seq of at least `seq`. */
  async ackOf(seq: number, timeoutMs?: number): Promise<number> {
    const m = await this.next((x) => x.type === 'ack' && x.seq >= seq, timeoutMs);
    return (m as Extract<ServerControlMessage, { type: 'ack' }>).seq;
  }

  /** Sends a message (an object as JSON, a string as it is). */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** A hello signed for this connection's nonce (fields overridable before signing). */
  helloFor(change: Partial<HelloMessage> = {}): HelloMessage {
    if (this.nonce === undefined) throw new Error('no challenge yet');
    return signHello(
      {
        type: 'hello' as const,
        boxId: this.box.id,
        timestamp: this.box.now(),
        nonce: this.nonce,
        softwareVersion: this.box.info.softwareVersion,
        ackedManifestVersion: 0,
        lastTelemetrySeq: 0,
        ...change,
      },
      this.box.identity.signing.privateKey,
    );
  }

  sendHello(change: Partial<HelloMessage> = {}): HelloMessage {
    const hello = this.helloFor(change);
    this.send(hello);
    return hello;
  }

  /** Sends a telemetry batch. */
  sendTelemetry(records: TelemetryRecord[]): void {
    this.send({ type: 'telemetry', records });
  }

  close(): void {
    if (!this.#closed) this.socket.close(1000, 'test done');
  }
}
