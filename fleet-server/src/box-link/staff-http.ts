import { z } from 'zod';
import { fleetBoxId, fleetBoxSummary } from '@jukebox/protocol';
import { staffOf } from '../auth/staff-auth.js';
import type { FleetApp, FleetContext } from '../context.js';
import { errorResponses } from '../errors.js';
import { idParam } from '../http-params.js';
import {
  boxLinkStatus,
  createEnrollmentCodeRequest,
  enrollmentCodeCreated,
  enrollmentCodeListResponse,
  enrollmentCodeSummary,
  playsReport,
  playsReportQuery,
  songRequestsReport,
  songRequestsReportQuery,
} from './api-schemas.js';

const boxParams = z.strictObject({ boxId: fleetBoxId });

/** Staff endpoints of the box link: enrollment codes, revocation, link status, reports. */
export function registerStaffRoutes(app: FleetApp, ctx: FleetContext): void {
  const { link } = ctx;
  const service = ctx.auth.requireRole('admin', 'technician');
  const viewers = ctx.auth.requireRole('admin', 'technician', 'route-operator');
  const playsReaders = ctx.auth.requireRole('admin', 'bookkeeper', 'route-operator');
  const requestReaders = ctx.auth.requireRole(
    'admin',
    'bookkeeper',
    'catalog-manager',
    'route-operator',
  );

  app.post(
    '/api/v1/enrollment-codes',
    {
      onRequest: service.onRequest,
      schema: {
        ...service.schema,
        tags: ['enrollment'],
        summary: 'Make a one-time enrollment code (shown in this answer only)',
        body: createEnrollmentCodeRequest,
        response: { 201: enrollmentCodeCreated, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await link.enrollment.createCode(request.body, staffOf(request).actor)),
  );

  app.get(
    '/api/v1/enrollment-codes',
    {
      onRequest: service.onRequest,
      schema: {
        ...service.schema,
        tags: ['enrollment'],
        summary: 'Enrollment codes still usable (never the codes themselves)',
        response: { 200: enrollmentCodeListResponse, ...errorResponses },
      },
    },
    async () => ({ codes: await link.enrollment.listPending() }),
  );

  app.post(
    '/api/v1/enrollment-codes/:codeId/revoke',
    {
      onRequest: service.onRequest,
      schema: {
        ...service.schema,
        tags: ['enrollment'],
        summary: 'Withdraw an unused enrollment code',
        params: z.strictObject({ codeId: idParam }),
        response: { 200: enrollmentCodeSummary, ...errorResponses },
      },
    },
    async (request) => link.enrollment.revokeCode(request.params.codeId, staffOf(request).actor),
  );

  app.post(
    '/api/v1/boxes/:boxId/revoke',
    {
      onRequest: service.onRequest,
      schema: {
        ...service.schema,
        tags: ['boxes'],
        summary: 'Revoke a box: its requests are refused and its control channel closed',
        params: boxParams,
        response: { 200: fleetBoxSummary, ...errorResponses },
      },
    },
    async (request) => link.revokeBox(request.params.boxId, staffOf(request).actor),
  );

  app.get(
    '/api/v1/boxes/:boxId/link',
    {
      onRequest: viewers.onRequest,
      schema: {
        ...viewers.schema,
        tags: ['boxes'],
        summary: "A box's link: connected, last seen, telemetry ack, last status, software",
        params: boxParams,
        response: { 200: boxLinkStatus, ...errorResponses },
      },
    },
    async (request) => link.linkStatus(request.params.boxId, staffOf(request)),
  );

  app.get(
    '/api/v1/reports/plays',
    {
      onRequest: playsReaders.onRequest,
      schema: {
        ...playsReaders.schema,
        tags: ['reports'],
        summary: 'Plays per box and track in a time span (route operators: their boxes)',
        querystring: playsReportQuery,
        response: { 200: playsReport, ...errorResponses },
      },
    },
    async (request) => link.reports.plays(request.query, staffOf(request)),
  );

  app.get(
    '/api/v1/reports/song-requests',
    {
      onRequest: requestReaders.onRequest,
      schema: {
        ...requestReaders.schema,
        tags: ['reports'],
        summary: 'Song requests per normalised text in a time span (route operators: their boxes)',
        querystring: songRequestsReportQuery,
        response: { 200: songRequestsReport, ...errorResponses },
      },
    },
    async (request) => link.reports.songRequests(request.query, staffOf(request)),
  );
}
