import {
  generateBoxIdentity,
  rawPublicKeyB64u,
  signBoxRequest,
  signEnrollmentRequest,
  signHello,
  type BoxIdentity,
} from '@jukebox/crypto';
import {
  MAX_CONTROL_MESSAGE_BYTES,
  serverControlMessage,
  type BoxInfo,
  type EnrollmentRequest,
  type EnrollmentResponse,
  type HelloMessage,
  type ServerControlMessage,
  type TelemetryRecord,
} from '@jukebox/protocol';
import WebSocket from 'ws';

/*
 * A box in a test: a real identity from @jukebox/crypto, enrollment with a one-time code,
 * signed HTTP requests and the control channel over a real `ws` client. Meant for the box
 * link's tests, the content side's and the benchmarks.
 */

export interface HttpResult {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface FakeBoxOptions {
  /** The server's base URL, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** The box's clock (ms); pass the test server's manual clock so signatures are fresh. */
  now?: () => number;
  info?: BoxInfo;
  identity?: BoxIdentity;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

export class FakeBox {
  readonly identity: BoxIdentity;
  readonly signingPublicKey: string;
  readonly agreementPublicKey: string;
  readonly baseUrl: string;
  readonly now: () => number;
  readonly info: BoxInfo;
  boxId: string | undefined;
  serverSigningPublicKey: string | undefined;

  constructor(options: FakeBoxOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.info = options.info ?? { name: 'Test box', softwareVersion: '1.0.0' };
    this.identity = options.identity ?? generateBoxIdentity();
    this.signingPublicKey = rawPublicKeyB64u(this.identity.signing.publicKey);
    this.agreementPublicKey = rawPublicKeyB64u(this.identity.agreement.publicKey);
  }

  /** The box's id; throws before enrollment. */
  get id(): string {
    if (this.boxId === undefined) throw new Error('the fake box is not enrolled');
    return this.boxId;
  }

  /** A signed enrollment body for `code` (with `change` applied before signing). */
  enrollmentRequest(code: string, change: Partial<EnrollmentRequest> = {}): EnrollmentRequest {
    return signEnrollmentRequest(
      {
        code,
        signingPublicKey: this.signingPublicKey,
        agreementPublicKey: this.agreementPublicKey,
        info: this.info,
        ...change,
      },
      this.identity.signing.privateKey,
    );
  }

  /** POST /api/v1/enroll with any body; the answer as it came. */
  async postEnrollment(body: unknown): Promise<HttpResult> {
    const res = await fetch(`${this.baseUrl}/api/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await readBody(res), headers: res.headers };
  }

  /** Enrolls with `code`; remembers the box id and the server key. Throws unless 200. */
  async enroll(code: string): Promise<EnrollmentResponse> {
    const res = await this.postEnrollment(this.enrollmentRequest(code));
    if (res.status !== 200) {
      throw new Error(`enrollment refused: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const answer = res.body as EnrollmentResponse;
    this.boxId = answer.boxId;
    this.serverSigningPublicKey = answer.serverSigningPublicKey;
    return answer;
  }

  /** The three `x-box-*` headers for a request. */
  signedHeaders(
    method: string,
    pathAndQuery: string,
    body?: string,
    now = this.now(),
  ): Record<string, string> {
    return signBoxRequest({
      boxId: this.id,
      method,
      pathAndQuery,
      body,
      privateKey: this.identity.signing.privateKey,
      now,
    });
  }

  /**
   * A signed request. `body` is sent as JSON (a string as it is); `headers` are applied after
   * signing, so a test can spoil them.
   */
  async request(
    method: string,
    pathAndQuery: string,
    options: { body?: unknown; headers?: Record<string, string>; now?: number } = {},
  ): Promise<HttpResult> {
    const text =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      ...this.signedHeaders(method, pathAndQuery, text, options.now),
      ...(text === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    const res = await fetch(`${this.baseUrl}${pathAndQuery}`, { method, headers, body: text });
    return { status: res.status, body: await readBody(res), headers: res.headers };
  }

  /** POST /api/v1/box/telemetry. */
  uploadTelemetry(records: TelemetryRecord[]): Promise<HttpResult> {
    return this.request('POST', '/api/v1/box/telemetry', { body: { records } });
  }

  /** Opens the control channel and waits for the challenge (no hello sent). */
  async openChannel(): Promise<FakeChannel> {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/api/v1/box/ws`;
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: MAX_CONTROL_MESSAGE_BYTES,
    });
    const channel = new FakeChannel(socket, this);
    await channel.challenge();
    return channel;
  }

  /**
   * Opens the control channel and completes the handshake: returns once the welcome came
   * (the ack and any notice follow in `channel.next`). Throws on a refusal.
   */
  async connect(hello: Partial<HelloMessage> = {}): Promise<FakeChannel> {
    const channel = await this.openChannel();
    channel.sendHello(hello);
    const answer = await channel.next((m) => m.type === 'welcome' || m.type === 'error');
    if (answer.type === 'error') {
      channel.close();
      throw new Error(`control channel refused: ${answer.code} ${answer.message}`);
    }
    return channel;
  }
}

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

/** What `enrollFakeBox` needs of a test server (see test-support/server.ts). */
export interface EnrollingServer {
  url: string;
  adminToken: string;
  clock?: { now(): number };
  call(
    method: string,
    path: string,
    init?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: unknown }>;
}

/** Makes a code through the staff API (as the admin) and enrolls a new fake box with it. */
export async function enrollFakeBox(
  server: EnrollingServer,
  options: { name?: string; routeId?: number; info?: BoxInfo } = {},
): Promise<FakeBox> {
  const res = await server.call('POST', '/api/v1/enrollment-codes', {
    token: server.adminToken,
    body: {
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.routeId === undefined ? {} : { routeId: options.routeId }),
    },
  });
  if (res.status !== 201) {
    throw new Error(`could not make an enrollment code: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const box = new FakeBox({
    baseUrl: server.url,
    ...(server.clock ? { now: () => server.clock!.now() } : {}),
    ...(options.info ? { info: options.info } : {}),
  });
  await box.enroll((res.body as { code: string }).code);
  return box;
}

/*
 * Telemetry records for tests, valid by the wire schemas. `at` defaults to a fixed time;
 * pass the test clock's time where reports filter by time.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

export function playRecord(
  seq: number,
  data: Partial<Extract<TelemetryRecord, { kind: 'play' }>['data']> = {},
  at = T0,
): TelemetryRecord {
  return {
    seq,
    at: iso(at),
    kind: 'play',
    data: {
      playSeq: seq,
      catalogId: 'trk-1',
      localTrackId: 1,
      title: 'Heroes',
      artist: 'David Bowie',
      startedAt: iso(at - 240_000),
      endedAt: iso(at),
      completed: true,
      playedMs: 240_000,
      paidCredits: 1,
      ...data,
    },
  };
}

export function ledgerRecord(
  seq: number,
  data: Partial<Extract<TelemetryRecord, { kind: 'ledger' }>['data']> = {},
  at = T0,
): TelemetryRecord {
  return {
    seq,
    at: iso(at),
    kind: 'ledger',
    data: {
      entrySeq: seq,
      kind: 'credit',
      credits: 2,
      valueCents: 100,
      denomination: 'EUR1',
      ...data,
    },
  };
}

export function songRequestRecord(seq: number, text: string, at = T0): TelemetryRecord {
  return { seq, at: iso(at), kind: 'song-request', data: { text } };
}

export function statusRecord(
  seq: number,
  data: Partial<Extract<TelemetryRecord, { kind: 'status' }>['data']> = {},
  at = T0,
): TelemetryRecord {
  return {
    seq,
    at: iso(at),
    kind: 'status',
    data: {
      software: '1.0.0',
      diskFreeBytes: 50,
      diskTotalBytes: 100,
      manifestVersion: 0,
      libraryTracks: 0,
      ...data,
    },
  };
}
