import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { shortText } from '@jukebox/protocol';
import { staffOf } from '../../auth/staff-auth.js';
import type { FleetApp, FleetContext } from '../../context.js';
import { errorResponses, FleetError } from '../../errors.js';
import {
  catalogTrack,
  coverParams,
  graphic,
  graphicKind,
  graphicListResponse,
  trackListQuery,
  trackListResponse,
  trackMetadataInput,
  trackParams,
  uploadTrackResponse,
  type TrackMetadataInput,
} from '../api.js';
import { blobResponses, sendBlob } from '../blobs/send.js';
import { receiveMultipart, type MultipartSpec, type ReceivedMultipart } from './multipart.js';

const tags = ['catalog'];
const METADATA_MAX_BYTES = 64 * 1024;

/** Parses the `metadata` part: JSON matching trackMetadataInput (400 naming what is wrong). */
export function parseMetadataPart(text: string | undefined): TrackMetadataInput {
  if (text === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FleetError('bad_request', `the metadata part is not JSON: ${(err as Error).message}`);
  }
  const parsed = trackMetadataInput.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${['metadata', ...i.path].join('.')}: ${i.message}`)
      .join('; ');
    throw new FleetError('bad_request', detail);
  }
  return parsed.data;
}

/**
 * Receives a multipart upload into a fresh folder under the ingest work folder, runs `work`
 * with it, and removes the folder whatever happens. `signal` fires if the client goes away
 * before the answer (an ingest in progress is then cancelled and its ffmpeg killed).
 */
async function withUpload<T>(
  ctx: FleetContext,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: MultipartSpec,
  work: (upload: ReceivedMultipart, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const root = ctx.content.settings.workDir;
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(path.join(root, 'upload-'));
  const abort = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort(new Error('the client went away'));
  };
  reply.raw.on('close', onClose);
  try {
    return await work(await receiveMultipart(request, dir, spec), abort.signal);
  } catch (err) {
    // A refusal may come before the client finished sending: end the connection with the
    // answer rather than read the rest of a large upload.
    reply.header('connection', 'close');
    throw err;
  } finally {
    reply.raw.off('close', onClose);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Catalog tracks (upload, list, search, edit, preview, covers) and graphics. */
export async function registerCatalogRoutes(app: FleetApp, ctx: FleetContext): Promise<void> {
  const managers = ctx.auth.requireRole('admin', 'catalog-manager');
  const { settings } = ctx.content;

  // Multipart parsing only where uploads are taken, in a scope of its own.
  await app.register(async (uploads: FleetApp) => {
    await uploads.register(fastifyMultipart, { throwFileSizeLimit: true });

    uploads.post(
      '/api/v1/catalog/tracks',
      {
        onRequest: managers.onRequest,
        schema: {
          ...managers.schema,
          description:
            `${managers.schema.description} multipart/form-data: \`audio\` (the file, up to ` +
            `${settings.maxUploadBytes} bytes), optional \`cover\` (an image) and optional ` +
            '`metadata` (JSON: title, artist, album, genre, year, isrc, explicit, rightsHolders ' +
            'with shares in basis points summing to 10000 per role). 201 for a new track, 200 ' +
            'with `duplicate: true` when these exact bytes were uploaded before.',
          tags,
          summary: 'Upload a track into the catalog',
          response: { 200: uploadTrackResponse, 201: uploadTrackResponse, ...errorResponses },
        },
      },
      async (request, reply) =>
        withUpload(
          ctx,
          request,
          reply,
          {
            files: {
              audio: { maxBytes: settings.maxUploadBytes },
              cover: { maxBytes: settings.maxImageBytes },
            },
            fields: { metadata: { maxBytes: METADATA_MAX_BYTES } },
          },
          async (upload, signal) => {
            // Cheap checks first: a bad metadata part is refused before any encoding.
            const metadata = parseMetadataPart(upload.fields.get('metadata'));
            const audio = upload.files.get('audio');
            if (!audio) throw new FleetError('bad_request', 'the audio part is missing');
            if (audio.size === 0) throw new FleetError('bad_request', 'the audio file is empty');
            const { response, created } = await ctx.content.ingest.ingest(
              { audio, cover: upload.files.get('cover'), metadata },
              staffOf(request).actor,
              signal,
            );
            // Returned, not sent: the answer goes out after withUpload has removed the upload.
            reply.code(created ? 201 : 200);
            return response;
          },
        ),
    );

    uploads.post(
      '/api/v1/graphics',
      {
        onRequest: managers.onRequest,
        schema: {
          ...managers.schema,
          description:
            `${managers.schema.description} multipart/form-data: \`file\` (JPEG, PNG or WebP, up ` +
            `to ${settings.maxImageBytes} bytes), \`kind\` (cover, attract or skin), \`name\`.`,
          tags: ['graphics'],
          summary: 'Upload a graphic',
          response: { 201: graphic, ...errorResponses },
        },
      },
      async (request, reply) =>
        withUpload(
          ctx,
          request,
          reply,
          {
            files: { file: { maxBytes: settings.maxImageBytes } },
            fields: { kind: { maxBytes: 32 }, name: { maxBytes: 1024 } },
          },
          async (upload) => {
            const file = upload.files.get('file');
            if (!file || file.size === 0)
              throw new FleetError('bad_request', 'the file part is missing or empty');
            const kind = graphicKind.safeParse(upload.fields.get('kind'));
            if (!kind.success)
              throw new FleetError('bad_request', 'kind must be cover, attract or skin');
            const name = shortText(200).safeParse(upload.fields.get('name'));
            if (!name.success)
              throw new FleetError('bad_request', 'name must be 1-200 characters of text');
            const created = await ctx.content.graphics.create(
              { file: file.path, kind: kind.data, name: name.data },
              staffOf(request).actor,
            );
            reply.code(201);
            return created;
          },
        ),
    );
  });

  app.get(
    '/api/v1/graphics',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags: ['graphics'],
        summary: 'List graphics',
        response: { 200: graphicListResponse, ...errorResponses },
      },
    },
    async () => ({ graphics: await ctx.content.graphics.list() }),
  );

  app.get(
    '/api/v1/catalog/tracks',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'List or search the catalog (by title or artist), a page at a time',
        querystring: trackListQuery,
        response: { 200: trackListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { q, limit, offset } = request.query;
      const page = await ctx.content.catalog.list({ q, limit, offset });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/api/v1/catalog/tracks/:trackId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'One catalog track',
        params: trackParams,
        response: { 200: catalogTrack, ...errorResponses },
      },
    },
    async (request) => ctx.content.catalog.get(request.params.trackId),
  );

  app.patch(
    '/api/v1/catalog/tracks/:trackId',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'Edit a track (metadata; rightsHolders replaces the whole list)',
        params: trackParams,
        body: trackMetadataInput,
        response: { 200: catalogTrack, ...errorResponses },
      },
    },
    async (request) => {
      const track = await ctx.content.catalog.patch(
        request.params.trackId,
        request.body,
        staffOf(request).actor,
      );
      ctx.content.manifests.kick();
      return track;
    },
  );

  app.get(
    '/api/v1/catalog/tracks/:trackId/preview',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'The retail preview (Ogg Opus; Range supported)',
        params: trackParams,
        response: blobResponses,
      },
    },
    async (request, reply) => {
      const preview = await ctx.content.catalog.previewOf(request.params.trackId);
      return sendBlob(request, reply, ctx.content.blobs, preview.sha256, 'audio/ogg');
    },
  );

  app.get(
    '/api/v1/catalog/tracks/:trackId/cover/:size',
    {
      onRequest: managers.onRequest,
      schema: {
        ...managers.schema,
        tags,
        summary: 'A cover image (JPEG) at one of the sizes ingest made',
        params: coverParams,
        response: blobResponses,
      },
    },
    async (request, reply) => {
      const cover = await ctx.content.catalog.coverOf(request.params.trackId, request.params.size);
      return sendBlob(request, reply, ctx.content.blobs, cover.sha256, 'image/jpeg');
    },
  );
}
