import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicRoute } from '../auth/staff-auth.js';
import type { FleetApp, FleetContext } from '../context.js';
import { errorResponses, FleetError } from '../errors.js';
import { publicOrder, trackingNumberParams } from './api-schemas.js';
import { PAGE_HEADERS, renderOrderPage, renderProblemPage } from './page.js';
import { findPublicOrder } from './public-order.js';
import { WindowRateLimiter, type RateLimitOptions } from './rate-limit.js';

/**
 * Look-ups one address may make a minute, over the page and the JSON together. A customer
 * checking an order needs a handful; customers of a mobile network may share an address.
 */
export const PUBLIC_LOOKUP_LIMIT: RateLimitOptions = {
  limit: 60,
  windowMs: 60_000,
  maxKeys: 10_000,
};

/** A browser asks for HTML; scripts and API clients get the JSON error shape. */
const wantsHtml = (request: FastifyRequest) =>
  (request.headers.accept ?? '').toLowerCase().includes('text/html');

/**
 * Errors of the tracking page as a page for browsers (a bad number, an unknown one, too many
 * look-ups); anything else, and every error for non-browsers, goes on to the app's handler.
 */
function pageErrors(error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = error instanceof FleetError || hasZodFastifySchemaValidationErrors(error);
  if (!known || !wantsHtml(request)) throw error;
  const status = error instanceof FleetError ? error.status : 400;
  const message =
    error instanceof FleetError
      ? error.message
      : 'a tracking number is three groups of four letters and digits, e.g. 7K3M-9QXP-2D4F';
  if (error instanceof FleetError && error.extra.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(error.extra.retryAfterSeconds));
  }
  return reply.code(status).headers(PAGE_HEADERS).send(renderProblemPage(status, message));
}

/**
 * The public order-tracking routes: the page a customer opens from the receipt's QR code and
 * the same facts as JSON. No login; a per-address limit slows guessing down.
 */
export function registerPublicOrderRoutes(app: FleetApp, ctx: FleetContext): void {
  const limiter = new WindowRateLimiter(PUBLIC_LOOKUP_LIMIT, ctx.clock);
  const limited: onRequestAsyncHookHandler = async (request) => {
    const decision = limiter.take(request.ip);
    if (!decision.allowed) {
      throw new FleetError(
        'too_many_requests',
        `too many order look-ups from your address: try again in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
  };

  app.get(
    '/api/v1/public/orders/:trackingNumber',
    {
      onRequest: limited,
      schema: {
        ...publicRoute,
        tags: ['orders'],
        summary: "An order's status and timeline by its tracking number (no personal data)",
        description:
          'Public. The number may be typed in lower case, without dashes, with O for 0. ' +
          `At most ${PUBLIC_LOOKUP_LIMIT.limit} look-ups a minute per address (then 429).`,
        params: trackingNumberParams,
        response: { 200: publicOrder, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return findPublicOrder(ctx.db, request.params.trackingNumber);
    },
  );

  app.get(
    '/orders/:trackingNumber',
    {
      onRequest: limited,
      errorHandler: pageErrors,
      schema: {
        ...publicRoute,
        tags: ['orders'],
        summary: 'The order-tracking page (HTML) a receipt links to',
        description:
          'Public; the same facts as /api/v1/public/orders/{trackingNumber}. Errors are pages ' +
          'for browsers (Accept: text/html) and the JSON error shape otherwise.',
        params: trackingNumberParams,
        response: {
          200: { content: { 'text/html': { schema: z.string() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const order = await findPublicOrder(ctx.db, request.params.trackingNumber);
      return reply.headers(PAGE_HEADERS).send(renderOrderPage(order));
    },
  );
}
