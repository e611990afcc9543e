import {
  fail,
  kioskEvent,
  kioskMethodNames,
  kioskMethods,
  type ApiResult,
  type KioskMethod,
} from '@jukebox/protocol';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { z } from 'zod';
import { KIOSK_EVENT_CHANNEL, kioskChannel } from '../shared/channels.js';
import { isAppUrl } from '../shared/schemes.js';
import type { CoreRequester } from './core-client.js';

/**
 * True when the call comes from the app's own page in a top-level frame. An iframe, or a page
 * that somehow navigated elsewhere, gets no API even though it shares the preload's process.
 */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  return frame.parent === null && frame === event.sender.mainFrame && isAppUrl(frame.url);
}

async function callCore(
  core: CoreRequester,
  method: KioskMethod,
  rawParams: unknown,
): Promise<ApiResult<unknown>> {
  const paramsSchema: z.ZodType = kioskMethods[method].params;
  const params = paramsSchema.safeParse(rawParams);
  if (!params.success) {
    return fail('bad_request', `${method}: ${params.error.issues[0]?.message ?? 'bad params'}`);
  }
  const reply = await core.request(method, params.data);
  if (!reply.ok) return reply;
  const resultSchema: z.ZodType = kioskMethods[method].result;
  const value = resultSchema.safeParse(reply.value);
  if (!value.success) return fail('internal', `${method}: the core sent a malformed reply`);
  return { ok: true, value: value.data };
}

/**
 * Registers one `ipcMain.handle('kiosk:<method>')` per kiosk method. Each handler refuses
 * untrusted senders, parses params (a bad call never reaches the core), forwards to the core,
 * parses the reply, and resolves with an ApiResult; it never throws and never returns the
 * Electron event. Returns a function that removes the handlers.
 */
export function registerKioskIpc(ipcMain: IpcMain, core: CoreRequester): () => void {
  for (const method of kioskMethodNames) {
    ipcMain.handle(kioskChannel(method), async (event, rawParams: unknown) => {
      if (!isTrustedSender(event)) return fail('bad_request', 'untrusted sender');
      try {
        return await callCore(core, method, rawParams);
      } catch (err) {
        return fail('internal', `${method}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
  return () => {
    for (const method of kioskMethodNames) ipcMain.removeHandler(kioskChannel(method));
  };
}

/**
 * Returns a listener for core events that re-parses each one and pushes it to the window's
 * page. Events arriving while there is no live window are dropped: the page asks for the full
 * state when it loads.
 */
export function coreEventForwarder(getTarget: () => WebContents | null): (event: unknown) => void {
  return (event) => {
    const parsed = kioskEvent.safeParse(event);
    const target = getTarget();
    if (!parsed.success || !target || target.isDestroyed()) return;
    target.send(KIOSK_EVENT_CHANNEL, parsed.data);
  };
}

/**
 * The page learns state from pushed events, which a core that just started (or restarted on
 * a new port) has no reason to send. So on every (re)connection main asks for the state and
 * forwards it as a `state` event, and the page is current again without reloading.
 */
export function stateRefresher(
  core: CoreRequester,
  forward: (event: unknown) => void,
): (connected: boolean) => void {
  return (connected) => {
    if (!connected) return;
    void core.request('getState', {}).then((result) => {
      if (result.ok) forward({ type: 'state', state: result.value });
    });
  };
}
