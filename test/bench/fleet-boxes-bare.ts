import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { MAX_CONTROL_MESSAGE_BYTES } from '@jukebox/protocol';
import { WebSocketServer } from 'ws';
import { epochMs, serveRequests } from './fleet-ipc.js';

/*
 * The reference for the fleet-boxes benchmark: a bare `ws` server (the library under the
 * fleet server's channel, same options) that only holds connections: a challenge-sized first
 * frame, no hello, no database, no bookkeeping. What any WebSocket server in Node costs.
 *
 *   notify {version}   one pre-encoded notice frame to every socket; the wall-clock start
 *   count              open sockets
 */

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: MAX_CONTROL_MESSAGE_BYTES,
});
await new Promise<void>((resolve) => wss.once('listening', resolve));
wss.on('connection', (socket) => {
  socket.send(JSON.stringify({ type: 'challenge', nonce: randomBytes(32).toString('base64url') }));
  socket.on('message', () => undefined);
  socket.on('error', () => undefined);
});

serveRequests(async (m) => {
  switch (m.type) {
    case 'notify': {
      const frame = Buffer.from(JSON.stringify({ type: 'manifest-notice', version: m.version }));
      const startedAt = epochMs();
      for (const socket of wss.clients) socket.send(frame, { binary: false });
      return { startedAt, loopMs: epochMs() - startedAt };
    }
    case 'count':
      return { open: wss.clients.size };
    default:
      throw new Error(`unknown request ${m.type}`);
  }
});
process.once('SIGTERM', () => wss.close(() => process.exit(0)));
const { port } = wss.address() as AddressInfo;
process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
