import { z } from 'zod';
import {
  fleetBoxId,
  fleetBoxListResponse,
  fleetBoxSummary,
  setBoxRouteRequest,
} from '@jukebox/protocol';
import { staffOf } from '../auth/staff-auth.js';
import type { FleetModule } from '../context.js';
import { errorResponses } from '../errors.js';

/** The staff view of boxes. Box-facing endpoints (enrollment, sync) live in their own modules. */
export const boxesModule: FleetModule = {
  name: 'boxes',
  register(app, ctx) {
    const viewers = ctx.auth.requireRole('admin', 'technician', 'route-operator');
    const admin = ctx.auth.requireRole('admin');
    const tags = ['boxes'];

    app.get(
      '/api/v1/boxes',
      {
        onRequest: viewers.onRequest,
        schema: {
          ...viewers.schema,
          tags,
          summary: 'List boxes (a route operator sees only the boxes on their routes)',
          response: { 200: fleetBoxListResponse, ...errorResponses },
        },
      },
      async (request) => ({ boxes: await ctx.boxes.list(staffOf(request)) }),
    );

    app.put(
      '/api/v1/boxes/:boxId/route',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'Put a box on a route, or take it off (routeId null)',
          params: z.strictObject({ boxId: fleetBoxId }),
          body: setBoxRouteRequest,
          response: { 200: fleetBoxSummary, ...errorResponses },
        },
      },
      async (request) =>
        ctx.boxes.setRoute(request.params.boxId, request.body.routeId, staffOf(request).actor),
    );
  },
};
