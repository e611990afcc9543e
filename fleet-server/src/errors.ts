import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { fleetErrorBody, type FleetErrorBody, type fleetErrorCodes } from '@jukebox/protocol';

export type FleetErrorCode = (typeof fleetErrorCodes)[number];

const STATUS: Record<FleetErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
};

/**
 * An error meant for the client: services throw it, the error handler turns it into
 * `{ error: { code, message } }` with the status of its code. Anything else thrown is a bug
 * and becomes a bare 500.
 */
export class FleetError extends Error {
  override readonly name = 'FleetError';
  readonly status: number;
  constructor(
    readonly code: FleetErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string) => new FleetError('not_found', `${what} not found`);
export const conflict = (message: string) => new FleetError('conflict', message);

/** Registered under an id, so the OpenAPI document holds it once as a component. */
const errorBody = fleetErrorBody.meta({
  id: 'FleetError',
  description: 'Error; `code` is stable, `message` is for humans, `fields` lists bad input.',
});

/**
 * Response schemas every route declares for its errors, so that clients and the OpenAPI
 * document know the error shape without reading each route.
 */
export const errorResponses = {
  '4xx': errorBody,
  '5xx': errorBody,
} as const;

function codeForStatus(status: number): FleetErrorCode {
  const found = (Object.entries(STATUS) as [FleetErrorCode, number][]).find(
    ([, s]) => s === status,
  );
  if (found) return found[0];
  return status >= 500 ? 'internal' : 'bad_request';
}

/** `body.roles.0`, `query.limit`, `params.userId`: where a validation problem sits. */
function fieldPath(context: string | undefined, instancePath: string): string {
  const where = context === 'querystring' ? 'query' : (context ?? 'request');
  const rest = instancePath.split('/').filter(Boolean).join('.');
  return rest ? `${where}.${rest}` : where;
}

function send(reply: FastifyReply, status: number, body: FleetErrorBody): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/**
 * Errors fastify raises before routing (a URL it cannot decode, a parameter over
 * maxParamLength) skip the error handler and go here; they get the same JSON shape. Their
 * messages quote the URL, so they are cut to a readable length.
 */
export function frameworkErrorHandler(
  err: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 400;
  const message = err.message.length > 200 ? `${err.message.slice(0, 200)}…` : err.message;
  void send(reply, status, { error: { code: codeForStatus(status), message } });
}

/**
 * Installs the JSON error shape for the whole app: validation failures are 400 naming each
 * field, fastify's own client errors (bad JSON, wrong content type, body too large) keep their
 * 4xx status, and anything unexpected is logged with its stack and answered with a plain 500
 * that reveals nothing.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | FleetError, request: FastifyRequest, reply) => {
    if (err instanceof FleetError) {
      if (err.extra.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(err.extra.retryAfterSeconds));
      }
      return send(reply, err.status, { error: { code: err.code, message: err.message } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => ({
        path: fieldPath(err.validationContext, v.instancePath),
        message: v.message ?? 'invalid',
      }));
      const message = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
      return send(reply, 400, { error: { code: 'bad_request', message, fields } });
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      return send(reply, status, { error: { code: codeForStatus(status), message: err.message } });
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, 500, { error: { code: 'internal', message: 'internal server error' } });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, {
      error: {
        code: 'not_found',
        // Cut: the path is the client's text and may be kilobytes long.
        message: `no route for ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`,
      },
    }),
  );
}
