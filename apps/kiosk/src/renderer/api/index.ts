import type { KioskApi } from '@jukebox/protocol';
import { createWsKioskApi } from './ws-client.js';

export { createWsKioskApi } from './ws-client.js';
export type { ConnectionStatus, WebSocketLike, WsClientOptions, WsKioskApi } from './ws-client.js';
export { errorText, retailErrorText } from './error-text.js';

let cached: KioskApi | null = null;

/**
 * The API the renderer talks to: the object the Electron preload exposed as `window.jukebox`,
 * or, in the browser shell, a WebSocket client to the core that served this page.
 */
export function getKioskApi(): KioskApi {
  if (cached) return cached;
  const exposed = (window as Window & { jukebox?: KioskApi }).jukebox;
  if (exposed) {
    cached = exposed;
  } else {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    cached = createWsKioskApi({ url: `${scheme}://${location.host}/api/v1/ws` });
  }
  return cached;
}
