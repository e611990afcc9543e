import { pipeline, Transform, type TransformCallback } from 'node:stream';
import type {
  FastifyReply,
  FastifyRequest,
  onRequestAsyncHookHandler,
  preParsingAsyncHookHandler,
  preValidationAsyncHookHandler,
} from 'fastify';
import type { Kysely } from 'kysely';
import {
  DEFAULT_MAX_SKEW_MS,
  parseBoxRequestHeaders,
  verifyBoxRequest,
  type ParsedBoxHeaders,
} from '@jukebox/crypto';
import type { Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';
import { FleetError } from '../errors.js';
import { BOX_SIGNATURE_SCHEME } from './openapi-scheme.js';

/** The enrolled box behind a signed request, as `boxOf(request)` returns it. */
export interface AuthenticatedBox {
  id: string;
  /** Raw X25519 public key (b64u): content keys are wrapped for it. */
  agreementPublicKey: string;
  /** Raw Ed25519 public key (b64u) the request was verified with. */
  signingPublicKey: string;
  routeId: number | null;
}

/**
 * What a box-authenticated route spreads into its options:
 * `{ ...ctx.link.boxAuth.hooks, schema: { ...ctx.link.boxAuth.schema, … } }`.
 */
export interface BoxRouteGuard {
  readonly hooks: {
    onRequest: onRequestAsyncHookHandler;
    preParsing: preParsingAsyncHookHandler;
    preValidation: preValidationAsyncHookHandler;
  };
  readonly schema: { security: Record<string, string[]>[]; description: string };
}

/** The body bytes exactly as they arrived, kept while fastify parses them (for the signature). */
class RawBodyCapture extends Transform {
  readonly chunks: Buffer[] = [];
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    done(null, chunk);
  }
}

interface PendingBoxRequest {
  parsed: Extract<ParsedBoxHeaders, { ok: true }>;
  box: AuthenticatedBox & { status: string };
  body?: RawBodyCapture;
}

/** Answers 403 `revoked` (a code outside FleetError's list, so the reply is sent here). */
function sendRevoked(reply: FastifyReply): FastifyReply {
  return reply
    .code(403)
    .type('application/json; charset=utf-8')
    .send({ error: { code: 'revoked', message: 'this box has been revoked' } });
}

const unauthorized = (message: string) => new FleetError('unauthorized', message);

/**
 * Authentication of box requests (headers `x-box-id`, `x-box-timestamp`, `x-box-signature`,
 * see @jukebox/crypto box-request.ts). The cheap checks run in `onRequest`, before the body is
 * read, so a caller without a valid box id and a fresh timestamp gets 401 whatever it sends.
 * The signature covers the body's bytes, so it is checked in `preValidation`, after a
 * `preParsing` tap kept a copy of those bytes; bodies are bounded by the server's body limit.
 * A revoked box is told so (403 `revoked`) only after its signature verified, so the state of
 * a box is revealed to nobody but the box.
 */
export class BoxAuthenticator {
  readonly #pending = new WeakMap<FastifyRequest, PendingBoxRequest>();
  readonly #verified = new WeakMap<FastifyRequest, AuthenticatedBox>();
  readonly guard: BoxRouteGuard;

  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
  ) {
    this.guard = {
      hooks: {
        onRequest: (request) => this.#onRequest(request),
        preParsing: async (request, _reply, payload) => {
          const pending = this.#pending.get(request);
          // GET and HEAD have no body to sign (fastify does not parse one).
          if (!pending || request.method === 'GET' || request.method === 'HEAD') return payload;
          const capture = new RawBodyCapture();
          pending.body = capture;
          // pipeline: an aborted upload destroys the tap too, so the parser sees the error.
          pipeline(payload, capture, () => undefined);
          return capture;
        },
        preValidation: (request, reply) => this.#preValidation(request, reply),
      },
      schema: {
        security: [{ [BOX_SIGNATURE_SCHEME]: [] }],
        description:
          'Box-authenticated: signed with the enrolled box key (x-box-id, x-box-timestamp, x-box-signature).',
      },
    };
  }

  /** The box a guarded request came from; calling it on an unguarded route is a bug. */
  boxOf(request: FastifyRequest): AuthenticatedBox {
    const box = this.#verified.get(request);
    if (!box) throw new Error(`route ${request.routeOptions.url} has no box guard`);
    return box;
  }

  async #onRequest(request: FastifyRequest): Promise<void> {
    const parsed = parseBoxRequestHeaders(request.headers);
    if (!parsed.ok) {
      throw unauthorized(
        parsed.reason === 'missing'
          ? 'a box request carries x-box-id, x-box-timestamp and x-box-signature'
          : 'malformed x-box-* headers',
      );
    }
    if (Math.abs(this.clock.now() - parsed.timestamp) > DEFAULT_MAX_SKEW_MS) {
      throw unauthorized('x-box-timestamp is more than 5 minutes off the server clock');
    }
    const box = await this.lookup(parsed.boxId);
    if (!box) throw unauthorized('unknown box');
    this.#pending.set(request, { parsed, box });
  }

  async #preValidation(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const pending = this.#pending.get(request);
    // onRequest threw for anything else, so this is only reached with a looked-up box.
    if (!pending) throw unauthorized('unknown box');
    this.#pending.delete(request);
    const verdict = verifyBoxRequest({
      headers: request.headers,
      method: request.method,
      // The URL exactly as sent (path and query), which is what the box signed.
      pathAndQuery: request.url,
      body: pending.body ? Buffer.concat(pending.body.chunks) : undefined,
      publicKey: pending.box.signingPublicKey,
      now: this.clock.now(),
    });
    if (!verdict.ok) {
      throw unauthorized(
        verdict.reason === 'skew'
          ? 'x-box-timestamp is more than 5 minutes off the server clock'
          : 'the request signature does not verify',
      );
    }
    if (pending.box.status !== 'active') {
      await sendRevoked(reply);
      return;
    }
    const { status: _status, ...box } = pending.box;
    this.#verified.set(request, box);
  }

  /** The box's keys and status, or undefined for a box that is not enrolled. */
  async lookup(boxId: string): Promise<(AuthenticatedBox & { status: string }) | undefined> {
    const row = await this.db
      .selectFrom('boxes as b')
      .innerJoin('box_keys as k', 'k.box_id', 'b.id')
      .select(['b.id', 'b.status', 'b.route_id', 'k.signing_public_key', 'k.agreement_public_key'])
      .where('b.id', '=', boxId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      status: row.status,
      routeId: row.route_id,
      signingPublicKey: row.signing_public_key,
      agreementPublicKey: row.agreement_public_key,
    };
  }
}
