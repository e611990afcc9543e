import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';

/** How long peers get to answer our close frame at shutdown before their socket is cut. */
const CLOSE_GRACE_MS = 2000;

/**
 * WebSocket support for modules (`{ websocket: true }` routes). At shutdown every socket gets
 * a 1001 "going away" close frame, so boxes know to reconnect rather than treat it as an
 * error; a peer that does not answer within the grace period is cut, so one dead box cannot
 * hold the shutdown open. Per-message deflate stays off (DESIGN.md "Box <-> server"): it costs
 * memory per socket for small JSON messages that gain little.
 */
export async function registerWebsockets(app: FastifyInstance): Promise<void> {
  await app.register(fastifyWebsocket, {
    options: { perMessageDeflate: false, maxPayload: 1024 * 1024 },
    preClose(done) {
      const server = this.websocketServer;
      const open = [...server.clients] as WebSocket[];
      for (const client of open) client.close(1001, 'server shutting down');
      const deadline = setTimeout(() => {
        for (const client of open) client.terminate();
      }, CLOSE_GRACE_MS);
      deadline.unref();
      Promise.all(
        open.map((client) =>
          client.readyState === client.CLOSED
            ? undefined
            : new Promise<void>((resolve) => client.once('close', () => resolve())),
        ),
      ).then(() => {
        clearTimeout(deadline);
        server.close(() => done());
      }, done);
    },
  });
}
