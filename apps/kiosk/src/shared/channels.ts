import type { KioskMethod } from '@jukebox/protocol';

/** Name of the global the preload exposes the KioskApi under (`window.jukebox`). */
export const KIOSK_API_GLOBAL = 'jukebox';

/** IPC channel on which main pushes parsed core events to the renderer. */
export const KIOSK_EVENT_CHANNEL = 'kiosk:event';

/** IPC channel of one kiosk method; main registers one `ipcMain.handle` per channel. */
export function kioskChannel<M extends KioskMethod>(method: M): `kiosk:${M}` {
  return `kiosk:${method}`;
}
