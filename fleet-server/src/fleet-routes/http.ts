import { z } from 'zod';
import { createFleetRouteRequest, fleetRoute, fleetRouteListResponse } from '@jukebox/protocol';
import { staffOf } from '../auth/staff-auth.js';
import type { FleetModule } from '../context.js';
import { idParam } from '../http-params.js';
import { errorResponses } from '../errors.js';

const id = idParam;
const routeParams = z.strictObject({ routeId: id });
const routeStaffParams = z.strictObject({ routeId: id, userId: id });

/** Routes and who works them. Route operators see their own routes, read-only. */
export const fleetRoutesModule: FleetModule = {
  name: 'fleet-routes',
  register(app, ctx) {
    const viewers = ctx.auth.requireRole('admin', 'technician', 'route-operator');
    const admin = ctx.auth.requireRole('admin');
    const tags = ['routes'];

    app.get(
      '/api/v1/routes',
      {
        onRequest: viewers.onRequest,
        schema: {
          ...viewers.schema,
          tags,
          summary: 'List routes (a route operator sees only their own)',
          response: { 200: fleetRouteListResponse, ...errorResponses },
        },
      },
      async (request) => ({ routes: await ctx.routes.list(staffOf(request)) }),
    );

    app.post(
      '/api/v1/routes',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'Create a route',
          body: createFleetRouteRequest,
          response: { 201: fleetRoute, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await ctx.routes.create(request.body, staffOf(request).actor)),
    );

    app.get(
      '/api/v1/routes/:routeId',
      {
        onRequest: viewers.onRequest,
        schema: {
          ...viewers.schema,
          tags,
          summary: 'One route',
          params: routeParams,
          response: { 200: fleetRoute, ...errorResponses },
        },
      },
      async (request) => ctx.routes.get(request.params.routeId, staffOf(request)),
    );

    app.put(
      '/api/v1/routes/:routeId/staff/:userId',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'Assign a staff member to a route (idempotent)',
          params: routeStaffParams,
          response: { 200: fleetRoute, ...errorResponses },
        },
      },
      async (request) =>
        ctx.routes.assignStaff(
          request.params.routeId,
          request.params.userId,
          staffOf(request).actor,
        ),
    );

    app.delete(
      '/api/v1/routes/:routeId/staff/:userId',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'Take a staff member off a route',
          params: routeStaffParams,
          response: { 200: fleetRoute, ...errorResponses },
        },
      },
      async (request) =>
        ctx.routes.unassignStaff(
          request.params.routeId,
          request.params.userId,
          staffOf(request).actor,
        ),
    );
  },
};
