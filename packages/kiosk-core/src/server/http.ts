import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyReply } from 'fastify';
import { coverId } from '@jukebox/protocol';
import type { Logger } from '../log.js';
import { OPERATOR_CSS, OPERATOR_HTML, OPERATOR_JS } from '../operator/page.js';
import { operatorRoutes } from '../operator/routes.js';
import type { OperatorService } from '../operator/service.js';
import type { KioskHandlers } from '../service/dispatch.js';
import type { Jukebox } from '../service/jukebox.js';
import { isAllowedOrigin, isLocalHost, isLoopbackAddress } from './local-only.js';
import { MAX_WS_MESSAGE_BYTES, serveKioskSocket } from './ws.js';

export interface HttpOptions {
  jukebox: Jukebox;
  handlers: KioskHandlers;
  log: Logger;
  /** Folder holding the built renderer (index.html); null = none built. */
  uiDir: string | null;
  /** The address the server listens on; on loopback, only loopback Host names are served. */
  listenHost: string;
  /** The operator API and the token it requires (see operator/token.ts). */
  operator: { service: OperatorService; token: string };
}

/**
 * Content Security Policy of the UI in the browser shell: our own scripts, styles, images
 * (covers) and WebSocket only; no plugins, frames or foreign bases. The Electron shell sets its
 * own, equivalent policy for its app:// and jukebox-media:// schemes.
 */
export const BROWSER_SHELL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The core's local HTTP port: status JSON, cover images, the UI and the kiosk WebSocket. */
export async function createHttpServer(opts: HttpOptions) {
  const { jukebox, handlers, log } = opts;
  // Per-request lines would drown the log of a box that the UI polls; errors still log.
  const app = Fastify({
    loggerInstance: log.child({ part: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (isLoopbackAddress(opts.listenHost)) {
    app.addHook('onRequest', async (req, reply) => {
      if (!isLocalHost(req.headers.host, req.socket.localPort ?? -1)) {
        log.warn({ host: req.headers.host }, 'refused a request for another host name');
        return reply.code(421).send({ error: 'this port serves this box only' });
      }
    });
  }
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_WS_MESSAGE_BYTES } });

  app.get('/api/v1/status', async () => jukebox.status());
  // 503 when the box cannot play (the audio sink died), so monitoring sees it.
  app.get('/api/v1/health', async (_req, reply) => {
    const playing = jukebox.canPlay();
    return reply.code(playing ? 200 : 503).send({ ok: playing, player: jukebox.state().player });
  });

  await app.register(operatorRoutes, {
    prefix: '/api/v1/operator',
    operator: opts.operator.service,
    token: opts.operator.token,
    log,
  });

  // The operator view (sync progress, telemetry, money); its actions need the operator token.
  const page = (type: string, body: string) => async (_req: unknown, reply: FastifyReply) =>
    reply
      .type(type)
      .header('content-security-policy', BROWSER_SHELL_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(body);
  app.get('/operator', page('text/html; charset=utf-8', OPERATOR_HTML));
  app.get('/operator/app.js', page('text/javascript; charset=utf-8', OPERATOR_JS));
  app.get('/operator/app.css', page('text/css; charset=utf-8', OPERATOR_CSS));

  app.get<{ Params: { id: string } }>('/media/covers/:id', async (req, reply) => {
    const id = coverId.safeParse(req.params.id);
    if (!id.success) return reply.code(400).send({ error: 'cover id is a SHA-256 hex digest' });
    const file = jukebox.library.coverFile(id.data);
    if (!file || !existsSync(file)) return reply.code(404).send({ error: 'no such cover' });
    // Covers are content-addressed: the same id is always the same bytes.
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.type(jukebox.library.coverMime(id.data) ?? 'image/jpeg');
    return reply.send(createReadStream(file));
  });

  // Retail browsing previews: a short low-quality clip, cut on first request (retail/previews.ts).
  app.get<{ Params: { id: string } }>('/media/previews/:id', async (req, reply) => {
    const retail = jukebox.retail;
    if (retail === null) return reply.code(404).send({ error: 'previews are a retail feature' });
    if (!/^[1-9][0-9]{0,15}$/.test(req.params.id)) {
      return reply.code(400).send({ error: 'a preview id is a track id (a positive integer)' });
    }
    let file: string | null;
    try {
      file = await retail.previewFile(Number(req.params.id));
    } catch (err) {
      log.warn({ err, trackId: req.params.id }, 'could not cut a preview');
      return reply.code(500).send({ error: 'the preview could not be made' });
    }
    if (file === null) return reply.code(404).send({ error: 'no such track' });
    return sendFileWithRange(reply, file, req.headers.range, 'audio/ogg');
  });

  app.register(async (scope) => {
    scope.get('/api/v1/ws', { websocket: true }, (socket, req) => {
      if (!isAllowedOrigin(req.headers.origin, req.headers.host)) {
        log.warn({ origin: req.headers.origin }, 'refused kiosk socket from another origin');
        socket.close(1008, 'origin not allowed');
        return;
      }
      serveKioskSocket(socket, jukebox, handlers, log);
    });
  });

  if (opts.uiDir && existsSync(path.join(opts.uiDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: opts.uiDir,
      index: 'index.html',
      setHeaders: (res) => {
        res.header('content-security-policy', BROWSER_SHELL_CSP);
        res.header('x-content-type-options', 'nosniff');
        res.header('referrer-policy', 'no-referrer');
      },
    });
  } else {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The kiosk UI is not built. Run `npm run build`, then reload.\n'),
    );
  }
  return app;
}

/**
 * Sends a file, honouring one `Range: bytes=a-b` request (audio elements seek with it) and
 * answering 416 to a range outside the file.
 */
function sendFileWithRange(
  reply: FastifyReply,
  file: string,
  range: string | undefined,
  type: string,
): FastifyReply {
  const size = statSync(file).size;
  reply.type(type).header('accept-ranges', 'bytes').header('cache-control', 'no-cache');
  const m = range === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (m === null || (m[1] === '' && m[2] === '')) {
    reply.header('content-length', String(size));
    return reply.send(createReadStream(file));
  }
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]));
  }
  if (start >= size || start > end) {
    return reply.code(416).header('content-range', `bytes */${size}`).send();
  }
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .header('content-length', String(end - start + 1))
    .send(createReadStream(file, { start, end }));
}
