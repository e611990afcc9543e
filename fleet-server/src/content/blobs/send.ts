import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorResponses, notFound } from '../../errors.js';
import type { BlobStore } from './types.js';
import { sendFileBody } from './file-body.js';
import { contentRange, decideRange, unsatisfiedRange } from './range.js';

/** Response schemas of a route that serves blob bytes (for the OpenAPI document). */
export const blobResponses = {
  200: z.string().describe('The bytes (Accept-Ranges: bytes, ETag: "<sha256>")'),
  206: z.string().describe('The requested range (Content-Range)'),
  ...errorResponses,
} as const;

/**
 * Answers with a blob from the store (404 when the store does not have it): the whole of it, or one range (206 with Content-Range),
 * or 416 for a range it does not have. The ETag is the SHA-256, which never changes for a
 * name, so `If-None-Match` gets 304 and `If-Range` with another validator gets the whole blob.
 * The bytes are streamed from the store, never read into memory.
 */
export async function sendBlob(
  request: FastifyRequest,
  reply: FastifyReply,
  blobs: BlobStore,
  sha256: string,
  contentType: string,
): Promise<FastifyReply> {
  // The store, not the database, says how long the blob is: the length sent is the one read.
  const blob = await blobs.stat(sha256);
  if (!blob) throw notFound(`blob ${sha256}`);
  const etag = `"${blob.sha256}"`;
  reply.header('accept-ranges', 'bytes').header('etag', etag);
  // Content-addressed: the bytes behind this URL never change.
  reply.header('cache-control', 'private, max-age=31536000, immutable');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();

  const ifRange = request.headers['if-range'];
  const rangeHeader = ifRange === undefined || ifRange === etag ? request.headers.range : undefined;
  const decision = decideRange(rangeHeader, blob.size);
  if (decision.kind === 'unsatisfiable') {
    return reply
      .code(416)
      .header('content-range', unsatisfiedRange(blob.size))
      .type('application/json; charset=utf-8')
      .send({
        error: {
          code: 'range_not_satisfiable',
          message: `the range ${String(rangeHeader).slice(0, 60)} is outside the ${blob.size} bytes`,
        },
      });
  }
  reply.type(contentType);
  const [start, end] =
    decision.kind === 'partial' ? [decision.start, decision.end] : [0, blob.size - 1];
  if (decision.kind === 'partial') {
    reply
      .code(206)
      .header('content-range', contentRange(start, end, blob.size))
      .header('content-length', String(end - start + 1));
  } else {
    reply.header('content-length', String(blob.size));
  }
  const file = request.method === 'GET' ? await blobs.openFile?.(blob.sha256) : undefined;
  if (file === null) throw notFound(`blob ${sha256}`);
  if (file === undefined) {
    const stream =
      decision.kind === 'partial'
        ? blobs.createReadStream(blob.sha256, { start, end })
        : blobs.createReadStream(blob.sha256);
    return reply.send(stream);
  }
  // A local file: the body is written from it directly (file-body.ts says why), so the reply
  // leaves Fastify's send path here. The head is the one built above; what an onSend hook
  // would have added is `Connection: close` once the server is closing (app.ts), done here.
  reply.hijack();
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = typeof value === 'number' ? String(value) : value;
  }
  if (!request.server.server.listening) headers.connection = 'close';
  reply.raw.writeHead(reply.statusCode, headers);
  await sendFileBody(reply.raw, file, start, end, (err) =>
    request.log.warn({ err, sha256 }, 'blob answer cut: the file could not be read'),
  );
  return reply;
}
