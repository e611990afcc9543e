import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import {
  APP_HOST,
  APP_SCHEME,
  COVER_ID_PATTERN,
  MEDIA_COVERS_HOST,
  MEDIA_PREVIEWS_HOST,
  MEDIA_SCHEME,
  TRACK_ID_PATTERN,
} from '../shared/schemes.js';
import { CONTENT_SECURITY_POLICY } from './security.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * Registers the app and media schemes as standard (real origins, relative URLs work) and secure
 * (the page counts as a secure context). Must run before the app's `ready` event.
 */
export function registerPrivilegedSchemes(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // `stream`: an <audio> element may only play a custom scheme's response as it arrives
    // (and seek with Range) when the scheme is registered as a stream.
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true } },
  ]);
}

function respond(
  status: number,
  body?: ConstructorParameters<typeof Response>[0],
  type = 'text/plain; charset=utf-8',
): Response {
  return new Response(body ?? `${status}`, {
    status,
    headers: {
      'Content-Type': type,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/**
 * Resolves a URL path to a file under `rootDir`, or null when it would leave it (`..`, encoded
 * separators, NUL bytes). The URL parser already folds plain `..` segments; decoding can bring
 * new ones back, so the check runs on the decoded, resolved path.
 */
export function resolveUnder(rootDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const root = resolve(rootDir);
  const file = resolve(root, `.${sep}${decoded}`);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return file;
}

/** Serves `app://kiosk/<path>` from the built renderer, with the CSP on every response. */
export function createAppHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.hostname !== APP_HOST) return respond(404);
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405);
    const pathname = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = resolveUnder(rendererDir, pathname);
    if (file === null) return respond(403);
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      return respond(200, request.method === 'HEAD' ? null : body, type);
    } catch {
      return respond(404);
    }
  };
}

/** The core path a media URL maps to, or null when the URL is not one the page may ask for. */
function corePath(url: URL): { path: string; kind: 'cover' | 'preview' } | null {
  if (url.search !== '') return null;
  const id = url.pathname.slice(1);
  if (url.hostname === MEDIA_COVERS_HOST && COVER_ID_PATTERN.test(id)) {
    return { path: `/media/covers/${id}`, kind: 'cover' };
  }
  if (
    url.hostname === MEDIA_PREVIEWS_HOST &&
    TRACK_ID_PATTERN.test(id) &&
    Number.isSafeInteger(Number(id))
  ) {
    return { path: `/media/previews/${id}`, kind: 'preview' };
  }
  return null;
}

/** Range answers pass these through, so the audio element can seek and knows the length. */
const PREVIEW_HEADERS = ['content-length', 'content-range', 'accept-ranges'];

/** A preview streamed on as it arrives (a long preview must not wait for its last byte). */
function previewResponse(upstream: Response, type: string): Response {
  const res = respond(upstream.status, upstream.body, type);
  for (const name of PREVIEW_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) res.headers.set(name, value);
  }
  return res;
}

/**
 * Serves `jukebox-media://covers/<id>` from `<core>/media/covers/<id>` and
 * `jukebox-media://previews/<trackId>` from `<core>/media/previews/<trackId>`. Only 64-hex
 * cover ids and positive integer track ids pass, so the page cannot use the proxy to reach any
 * other path of the core; only image (covers) and audio (previews) replies are passed on.
 */
export function createMediaHandler(
  getCoreUrl: () => string | null,
  fetchImpl: typeof fetch = fetch,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const target = corePath(new URL(request.url));
    if (target === null) return respond(404);
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405);
    const core = getCoreUrl();
    if (core === null) return respond(503);
    try {
      if (target.kind === 'cover') {
        const upstream = await fetchImpl(`${core}${target.path}`);
        if (!upstream.ok) return respond(upstream.status === 404 ? 404 : 502);
        const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
        if (!type.startsWith('image/')) return respond(502);
        return respond(200, await upstream.arrayBuffer(), type);
      }
      // Only the Range header goes along: the page's other headers are none of the core's
      // business.
      const range = request.headers.get('range');
      const upstream = await fetchImpl(`${core}${target.path}`, {
        method: request.method,
        headers: range === null ? {} : { range },
      });
      if (upstream.status === 416) return respond(416);
      if (upstream.status !== 200 && upstream.status !== 206) {
        await upstream.body?.cancel();
        return respond(upstream.status === 404 ? 404 : 502);
      }
      const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
      if (!type.startsWith('audio/')) {
        await upstream.body?.cancel();
        return respond(502);
      }
      return previewResponse(upstream, type);
    } catch {
      return respond(502);
    }
  };
}

/** Installs both scheme handlers on the default session's protocol. Call after `ready`. */
export function handleProtocols(
  protocol: Protocol,
  options: { rendererDir: string; getCoreUrl: () => string | null },
): void {
  protocol.handle(APP_SCHEME, createAppHandler(options.rendererDir));
  protocol.handle(MEDIA_SCHEME, createMediaHandler(options.getCoreUrl));
}
