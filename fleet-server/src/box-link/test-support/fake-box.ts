import {
  generateBoxIdentity,
  rawPublicKeyB64u,
  signBoxRequest,
  signEnrollmentRequest,
  type BoxIdentity,
} from '@jukebox/crypto';
import {
  MAX_CONTROL_MESSAGE_BYTES,
  type BoxInfo,
  type EnrollmentRequest,
  type EnrollmentResponse,
  type HelloMessage,
  type TelemetryRecord,
} from '@jukebox/protocol';
import WebSocket from 'ws';
import { FakeChannel } from './fake-channel.js';

export { FakeChannel } from './fake-channel.js';
export { ledgerRecord, playRecord, songRequestRecord, statusRecord } from './records.js';

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
