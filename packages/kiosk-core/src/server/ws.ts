import { wsClientMessage, type KioskEvent, type WsServerMessage } from '@jukebox/protocol';
import type { WebSocket } from 'ws';
import type { Logger } from '../log.js';
import { dispatch, type KioskHandlers } from '../service/dispatch.js';
import type { Jukebox } from '../service/jukebox.js';

/** Largest request a UI may send; kiosk calls are tiny, so anything bigger is junk. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

/**
 * One UI connection: requests in, responses and pushed events out. A malformed frame is
 * answered with a protocol error close (1007) and changes nothing; a slow client that falls
 * far behind is dropped rather than buffering without bound.
 */
export function serveKioskSocket(
  socket: WebSocket,
  jukebox: Jukebox,
  handlers: KioskHandlers,
  log: Logger,
): void {
  const send = (msg: WsServerMessage) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > 8 * 1024 * 1024) {
      log.warn('kiosk UI socket is not reading; closing it');
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(msg));
  };
  const unsubscribe = jukebox.onEvent((event: KioskEvent) => send({ type: 'event', event }));
  socket.on('close', unsubscribe);
  socket.on('error', (err) => log.warn({ err }, 'kiosk UI socket error'));

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      socket.close(1003, 'binary frames are not accepted');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      socket.close(1007, 'message is not JSON');
      return;
    }
    const msg = wsClientMessage.safeParse(raw);
    if (!msg.success) {
      socket.close(1007, 'message is not a kiosk API request');
      return;
    }
    const { id, method, params } = msg.data;
    void dispatch(handlers, method, params, log).then((result) =>
      send({ type: 'response', id, result }),
    );
  });
}
