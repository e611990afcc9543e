import { sha256Hex, signedManifest } from '@jukebox/protocol';
import { z } from 'zod';
import type { FleetApp, FleetContext } from '../context.js';
import { errorResponses, notFound } from '../errors.js';
import { blobResponses, sendBlob } from './blobs/send.js';

const tags = ['box'];

/**
 * What boxes fetch: their newest signed manifest, and the blobs it lists (HTTP Range, so an
 * interrupted download resumes). A box sees only its own: another box's manifest or a blob
 * listed only for another box is a 404, the same answer as for one that does not exist.
 */
export function registerBoxContentRoutes(app: FleetApp, ctx: FleetContext): void {
  const guard = ctx.link.boxAuth;

  app.get(
    '/api/v1/box/manifest',
    {
      ...guard.hooks,
      schema: {
        ...guard.schema,
        tags,
        summary: "The calling box's newest signed manifest (404 until it has one)",
        response: { 200: signedManifest, ...errorResponses },
      },
    },
    async (request, reply) => {
      const box = ctx.link.boxOf(request);
      const json = await ctx.content.issued.newestJson(box.id);
      if (json === undefined) throw notFound('a manifest for this box');
      // Sent as stored, not re-serialised: JSON text with a JSON content type goes out as is
      // (the schema above documents its shape; the cast is for the route's typed reply).
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  app.get(
    '/api/v1/box/blobs/:sha256',
    {
      ...guard.hooks,
      schema: {
        ...guard.schema,
        tags,
        summary:
          "A blob listed in the calling box's newest (or previous) manifest; Range: bytes=N- and N-M",
        params: z.strictObject({ sha256: sha256Hex }),
        response: blobResponses,
      },
    },
    async (request, reply) => {
      const box = ctx.link.boxOf(request);
      const { sha256 } = request.params;
      if (!(await ctx.content.issued.mayDownload(box.id, sha256))) {
        throw notFound(`blob ${sha256}`);
      }
      return sendBlob(request, reply, ctx.content.blobs, sha256, 'application/octet-stream');
    },
  );
}
