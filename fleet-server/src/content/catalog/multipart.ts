import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { FleetError } from '../../errors.js';

/** A file part, written to disk as it arrived. */
export interface ReceivedFile {
  path: string;
  size: number;
  sha256: string;
  /** The name the client gave (for messages and fallbacks only: never a path). */
  filename: string;
  mimetype: string;
}

export interface MultipartSpec {
  /** File parts allowed, with the most bytes each may have. */
  files: Record<string, { maxBytes: number }>;
  /** Text parts allowed, with the most bytes each may have. */
  fields: Record<string, { maxBytes: number }>;
}

export interface ReceivedMultipart {
  files: Map<string, ReceivedFile>;
  fields: Map<string, string>;
}

const tooLarge = (what: string, max: number) =>
  new FleetError('payload_too_large', `${what} is larger than the limit of ${max} bytes`);

/**
 * Reads a multipart/form-data request into `dir`: each file part is streamed to its own file
 * (hashed and counted on the way, never held in memory) and each text part kept as a string.
 * Only the parts in `spec` are accepted, each at most once and within its own size limit, so
 * a 1 GiB "cover" is cut off at the cover's limit rather than the audio's. Errors are 4xx
 * FleetErrors; the caller removes `dir` whatever happens.
 */
export async function receiveMultipart(
  request: FastifyRequest,
  dir: string,
  spec: MultipartSpec,
): Promise<ReceivedMultipart> {
  if (!request.isMultipart()) {
    throw new FleetError('unsupported_media_type', 'send multipart/form-data');
  }
  const fileLimits = Object.values(spec.files).map((f) => f.maxBytes);
  const fieldLimits = Object.values(spec.fields).map((f) => f.maxBytes);
  const files = new Map<string, ReceivedFile>();
  const fields = new Map<string, string>();
  const parts = request.parts({
    limits: {
      // The largest of the per-part limits; each part's own limit is enforced below.
      fileSize: Math.max(0, ...fileLimits) + 1,
      fieldSize: Math.max(0, ...fieldLimits) + 1,
      files: Object.keys(spec.files).length,
      fields: Object.keys(spec.fields).length,
      parts: Object.keys(spec.files).length + Object.keys(spec.fields).length,
      fieldNameSize: 100,
      headerPairs: 20,
    },
  });
  try {
    for await (const part of parts) {
      const name = part.fieldname;
      if (part.type === 'file') {
        const limit = spec.files[name];
        if (!Object.hasOwn(spec.files, name) || !limit) {
          part.file.resume();
          throw new FleetError('bad_request', `unexpected file part "${name.slice(0, 40)}"`);
        }
        if (files.has(name)) {
          part.file.resume();
          throw new FleetError('bad_request', `the part "${name}" was sent twice`);
        }
        const target = path.join(dir, `${randomBytes(8).toString('hex')}.upload`);
        const hash = createHash('sha256');
        let size = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            size += chunk.length;
            if (size > limit.maxBytes) {
              done(tooLarge(`the ${name} file`, limit.maxBytes));
              return;
            }
            hash.update(chunk);
            done(null, chunk);
          },
        });
        await pipeline(part.file, meter, createWriteStream(target, { flags: 'wx' }));
        files.set(name, {
          path: target,
          size,
          sha256: hash.digest('hex'),
          filename: part.filename ?? '',
          mimetype: part.mimetype,
        });
      } else {
        const limit = spec.fields[name];
        if (!Object.hasOwn(spec.fields, name) || !limit) {
          throw new FleetError('bad_request', `unexpected part "${name.slice(0, 40)}"`);
        }
        if (fields.has(name))
          throw new FleetError('bad_request', `the part "${name}" was sent twice`);
        const value = typeof part.value === 'string' ? part.value : String(part.value);
        if (part.valueTruncated || Buffer.byteLength(value) > limit.maxBytes) {
          throw tooLarge(`the ${name} part`, limit.maxBytes);
        }
        fields.set(name, value);
      }
    }
  } catch (err) {
    throw asClientError(err);
  }
  return { files, fields };
}

/**
 * @fastify/multipart and busboy report malformed bodies with errors of their own; they are
 * the client's fault, so they become 4xx FleetErrors (a 406 for "not multipart" becomes a
 * 415, the code this API uses for a wrong content type).
 */
function asClientError(err: unknown): unknown {
  if (err instanceof FleetError) return err;
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : 'malformed multipart body';
  if (e.statusCode === 413) return new FleetError('payload_too_large', message);
  if (e.statusCode === 406) return new FleetError('unsupported_media_type', message);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new FleetError('bad_request', message);
  }
  // Busboy's parse errors ("Unexpected end of form", "Malformed part header") are plain
  // Errors without a status or code; a TypeError or a file system error (ENOSPC) is ours.
  if (err instanceof Error && err.constructor === Error && e.code === undefined) {
    return new FleetError('bad_request', `malformed multipart body: ${message}`);
  }
  return err;
}
