import { staffOf } from '../../auth/staff-auth.js';
import type { FleetApp, FleetContext } from '../../context.js';
import { errorResponses, notFound } from '../../errors.js';
import {
  boxManifestStatus,
  boxParams,
  contentSetDetail,
  contentSetListResponse,
  createContentSetRequest,
  renameContentSetRequest,
  setBoxParams,
  setContentSetItemsRequest,
  setParams,
  setRouteParams,
} from '../api.js';

const tags = ['content sets'];

/**
 * Content sets and their assignments. Changes answer at once; the manifests they cause are
 * issued by the manifest job in the background (`GET …/manifest` of a box shows `pending`).
 */
export function registerSetRoutes(app: FleetApp, ctx: FleetContext): void {
  const managers = ctx.auth.requireRole('admin', 'catalog-manager');
  const sets = ctx.content.sets;
  const detail = { 200: contentSetDetail, ...errorResponses };

  app.get(
    '/api/v1/content-sets',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'List content sets',
        response: { 200: contentSetListResponse, ...errorResponses },
      },
    },
    async () => ({ sets: await sets.list() }),
  );

  app.post(
    '/api/v1/content-sets',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'Create an empty content set',
        body: createContentSetRequest,
        response: { 201: contentSetDetail, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await sets.create(request.body.name, staffOf(request).actor)),
  );

  app.get(
    '/api/v1/content-sets/:setId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'One content set with its items and boxes',
        params: setParams,
        response: detail,
      },
    },
    async (request) => sets.get(request.params.setId),
  );

  app.patch(
    '/api/v1/content-sets/:setId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'Rename a content set',
        params: setParams,
        body: renameContentSetRequest,
        response: detail,
      },
    },
    async (request) => sets.rename(request.params.setId, request.body.name, staffOf(request).actor),
  );

  app.put(
    '/api/v1/content-sets/:setId/items',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: "Replace a set's tracks and graphics (boxes holding it get new manifests)",
        params: setParams,
        body: setContentSetItemsRequest,
        response: detail,
      },
    },
    async (request) => sets.setItems(request.params.setId, request.body, staffOf(request).actor),
  );

  app.put(
    '/api/v1/content-sets/:setId/boxes/:boxId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'Assign a set to a box (idempotent)',
        params: setBoxParams,
        response: detail,
      },
    },
    async (request) =>
      sets.assignBox(request.params.setId, request.params.boxId, staffOf(request).actor),
  );

  app.delete(
    '/api/v1/content-sets/:setId/boxes/:boxId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'Take a set off a box',
        params: setBoxParams,
        response: detail,
      },
    },
    async (request) =>
      sets.unassignBox(request.params.setId, request.params.boxId, staffOf(request).actor),
  );

  app.put(
    '/api/v1/content-sets/:setId/routes/:routeId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'Assign a set to a route: every box on it holds the set (idempotent)',
        params: setRouteParams,
        response: detail,
      },
    },
    async (request) =>
      sets.assignRoute(request.params.setId, request.params.routeId, staffOf(request).actor),
  );

  app.delete(
    '/api/v1/content-sets/:setId/routes/:routeId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'Take a set off a route',
        params: setRouteParams,
        response: detail,
      },
    },
    async (request) =>
      sets.unassignRoute(request.params.setId, request.params.routeId, staffOf(request).actor),
  );

  const viewers = ctx.auth.requireRole('admin', 'catalog-manager', 'technician');
  app.get(
    '/api/v1/content/boxes/:boxId/manifest',
    {
      onRequest: viewers.onRequest,
      schema: {
        ...viewers.schema,
        tags,
        summary:
          "A box's newest manifest: version, validity, what it lists, whether a change is pending",
        params: boxParams,
        response: { 200: boxManifestStatus, ...errorResponses },
      },
    },
    async (request) => {
      const status = await ctx.content.issued.status(request.params.boxId);
      if (!status) throw notFound(`a manifest for box ${request.params.boxId}`);
      return status;
    },
  );
}
