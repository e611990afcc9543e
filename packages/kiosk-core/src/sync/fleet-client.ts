import type { KeyObject } from 'node:crypto';
import { signBoxRequest, signEnrollmentRequest } from '@jukebox/crypto';
import { enrollmentResponse, type BoxInfo, type EnrollmentResponse } from '@jukebox/protocol';
import type { ZodType } from 'zod';

/** A refusal or failure talking to the fleet server, with what the box should do about it. */
export class FleetError extends Error {
  override readonly name = 'FleetError';
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** Retrying later may help (network, 5xx, 429); otherwise it will not (4xx). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface FleetClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8490 */
  server: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * HTTP to the fleet server. Every call after enrollment is signed with the box's key
 * (headers x-box-id, x-box-timestamp, x-box-signature over method, path, time and body hash).
 * Answers are parsed with the protocol's schemas; anything else is an error, never a guess.
 */
export class FleetClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: FleetClientOptions) {
    this.base = options.server.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** The server's base URL. */
  get server(): string {
    return this.base;
  }

  /** Enrolls with a one-time code; the request is signed by the key it registers. */
  async enroll(params: {
    code: string;
    signingPublicKey: string;
    agreementPublicKey: string;
    info: BoxInfo;
    signingKey: KeyObject;
  }): Promise<EnrollmentResponse> {
    const body = signEnrollmentRequest(
      {
        code: params.code,
        signingPublicKey: params.signingPublicKey,
        agreementPublicKey: params.agreementPublicKey,
        info: params.info,
      },
      params.signingKey,
    );
    return this.send('POST', '/api/v1/enroll', enrollmentResponse, { body: JSON.stringify(body) });
  }

  /** A signed request as `boxId`; the body (if any) is JSON. */
  async signed<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathAndQuery: string,
    schema: ZodType<T>,
    auth: { boxId: string; key: KeyObject },
    body?: unknown,
  ): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = signBoxRequest({
      boxId: auth.boxId,
      method,
      pathAndQuery,
      body: text,
      privateKey: auth.key,
      now: this.now(),
    });
    return this.send(method, pathAndQuery, schema, { body: text, headers });
  }

  /** Headers that authenticate a GET of `pathAndQuery` (for streaming downloads). */
  signedHeaders(pathAndQuery: string, auth: { boxId: string; key: KeyObject }) {
    return signBoxRequest({
      boxId: auth.boxId,
      method: 'GET',
      pathAndQuery,
      privateKey: auth.key,
      now: this.now(),
    });
  }

  private async send<T>(
    method: string,
    pathAndQuery: string,
    schema: ZodType<T>,
    init: { body?: string | undefined; headers?: Record<string, string> },
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${pathAndQuery}`, {
        method,
        headers: {
          ...init.headers,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body ?? null,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new FleetError(
        `cannot reach the fleet server at ${this.base}: ${(err as Error).message}`,
        0,
        true,
      );
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const detail = errorMessage(json) ?? res.statusText;
      throw new FleetError(
        `${method} ${pathAndQuery}: ${res.status} ${detail}`,
        res.status,
        res.status >= 500 || res.status === 429 || res.status === 408,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new FleetError(
        `${method} ${pathAndQuery}: the server's answer is malformed`,
        res.status,
        true,
      );
    }
    return parsed.data;
  }
}

/** `{ error: { message } }` (the fleet server's error body) or `{ error: "..." }`. */
function errorMessage(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return null;
  const error = (json as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return null;
}
