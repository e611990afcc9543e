import { enrollmentRequest, enrollmentResponse, telemetryBatch } from '@jukebox/protocol';
import { publicRoute } from '../auth/staff-auth.js';
import type { FleetApp, FleetContext } from '../context.js';
import { errorResponses } from '../errors.js';
import { telemetryAck } from './api-schemas.js';
import { EnrollmentRefused } from './enrollment.js';
import { declareBoxSignatureScheme } from './openapi-scheme.js';

const tags = ['box'];

/**
 * The endpoints boxes call: enrollment (the one-time code is the credential), the control
 * channel WebSocket (its handshake authenticates) and the HTTP telemetry upload (signed).
 */
export function registerBoxRoutes(app: FleetApp, ctx: FleetContext): void {
  const { link } = ctx;

  // First route of the module: its document transform declares the box-signature scheme
  // before any box-authenticated route is described (see openapi-scheme.ts). @fastify/websocket
  // keeps WebSocket routes out of the document; a plain GET here answers 404.
  app.get(
    '/api/v1/box/ws',
    {
      websocket: true,
      config: { swaggerTransform: declareBoxSignatureScheme },
      schema: { hide: true, ...publicRoute },
    },
    (socket) => link.channel.accept(socket),
  );

  app.post(
    '/api/v1/enroll',
    {
      schema: {
        ...publicRoute,
        tags,
        summary: 'Enroll a box with a one-time code and its signed public keys',
        description:
          '401 when the proof does not verify; 403 `enrollment_refused` for a code that is ' +
          'unknown, used, expired or revoked; 409 when the signing key is enrolled already.',
        body: enrollmentRequest,
        response: { 200: enrollmentResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      try {
        const enrolled = await link.enroll(request.body, request.ip);
        return { boxId: enrolled.boxId, serverSigningPublicKey: enrolled.serverSigningPublicKey };
      } catch (err) {
        if (!(err instanceof EnrollmentRefused)) throw err;
        // A code outside FleetError's list, so the reply is made here.
        return reply
          .code(403)
          .type('application/json; charset=utf-8')
          .send({ error: { code: 'enrollment_refused', message: err.message } });
      }
    },
  );

  app.post(
    '/api/v1/box/telemetry',
    {
      ...link.boxAuth.hooks,
      schema: {
        ...link.boxAuth.schema,
        tags,
        summary: 'Upload a telemetry batch (the HTTP fallback of the control channel)',
        body: telemetryBatch,
        response: { 200: telemetryAck, ...errorResponses },
      },
    },
    async (request) => {
      const box = link.boxOf(request);
      const ack = await link.storeTelemetry(box.id, request.body.records);
      link.metrics.acksSent.inc();
      return { ack };
    },
  );
}
