import {
  fail,
  kioskEvent,
  type ApiResult,
  type KioskApi,
  type KioskEvent,
  type KioskMethod,
  type KioskParams,
  type KioskResult,
} from '@jukebox/protocol';
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { KIOSK_EVENT_CHANNEL, kioskChannel } from '../shared/channels.js';
import { coverUrl, previewUrl } from '../shared/schemes.js';

/**
 * Builds the object the page sees as `window.jukebox`: one named function per kiosk method,
 * `onEvent`, `coverUrl` and `previewUrl`, and nothing else (STYLE.md item 4). The channel of each method is
 * fixed here, so the page can never pick a channel; `ipcRenderer` itself never leaves this file.
 */
export function createKioskApi(ipcRenderer: IpcRenderer): KioskApi {
  // Not exposed: each method below binds it to its own channel.
  async function invoke<M extends KioskMethod>(
    method: M,
    params: KioskParams<M>,
  ): Promise<ApiResult<KioskResult<M>>> {
    try {
      return (await ipcRenderer.invoke(kioskChannel(method), params)) as ApiResult<KioskResult<M>>;
    } catch {
      // Only when main has no handler (shutting down): a result, not a surprise.
      return fail('unavailable', `${method}: the shell is not ready`);
    }
  }

  return {
    getState: (params) => invoke('getState', params),
    getCategories: (params) => invoke('getCategories', params),
    getLetters: (params) => invoke('getLetters', params),
    listTracks: (params) => invoke('listTracks', params),
    listArtists: (params) => invoke('listArtists', params),
    getArtist: (params) => invoke('getArtist', params),
    getAlbum: (params) => invoke('getAlbum', params),
    search: (params) => invoke('search', params),
    getAttractSlides: (params) => invoke('getAttractSlides', params),
    enqueue: (params) => invoke('enqueue', params),
    requestSong: (params) => invoke('requestSong', params),
    quoteDisc: (params) => invoke('quoteDisc', params),
    placeOrder: (params) => invoke('placeOrder', params),
    redeemVoucher: (params) => invoke('redeemVoucher', params),
    getOrder: (params) => invoke('getOrder', params),
    setVolume: (params) => invoke('setVolume', params),
    onEvent: (listener: (event: KioskEvent) => void) => {
      // The IpcRendererEvent carries `sender` (ipcRenderer): it must never reach the page.
      const wrapped = (_event: IpcRendererEvent, payload: unknown): void => {
        const parsed = kioskEvent.safeParse(payload);
        if (parsed.success) listener(parsed.data);
      };
      ipcRenderer.on(KIOSK_EVENT_CHANNEL, wrapped);
      return () => {
        ipcRenderer.removeListener(KIOSK_EVENT_CHANNEL, wrapped);
      };
    },
    coverUrl: (coverId: string) => coverUrl(coverId),
    previewUrl: (trackId: number) => previewUrl(trackId),
  } satisfies KioskApi;
}
