import { fail, kioskMethodNames, type ApiResult, type KioskMethod } from '@jukebox/protocol';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { CoreRequester } from './core-client.js';
import { coreEventForwarder, registerKioskIpc, stateRefresher } from './ipc.js';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain(): { ipcMain: IpcMain; handlers: Map<string, Handler> } {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, fn: Handler) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  return { ipcMain, handlers };
}

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

function eventFrom(url: string, options: { subFrame?: boolean; noFrame?: boolean } = {}) {
  const mainFrame: FakeFrame = { url, parent: null };
  const child: FakeFrame = { url, parent: mainFrame };
  const senderFrame = options.noFrame ? null : options.subFrame ? child : mainFrame;
  // A raw event carries the WebContents; the test checks it never comes back to the page.
  return { sender: { mainFrame, id: 1 }, senderFrame } as unknown as IpcMainInvokeEvent;
}

const state = {
  box: { id: 'b', name: 'Box' },
  mode: 'jukebox',
  credits: 2,
  pricing: { freePlay: false, songPrice: 1, playNextPrice: 3, currency: 'USD', minorUnit: 2 },
  money: { coins: 'ok', notes: 'absent', message: 'Coins only' },
  volume: 50,
  player: 'idle',
  queue: [],
  nowPlaying: null,
  attractAfterSeconds: 60,
  library: { tracks: 0 },
  retail: null,
};

function setup(reply: (method: KioskMethod, params: unknown) => ApiResult<unknown>) {
  const { ipcMain, handlers } = fakeIpcMain();
  const request = vi.fn(async (method: KioskMethod, params: unknown) => reply(method, params));
  const core: CoreRequester = { request };
  const dispose = registerKioskIpc(ipcMain, core);
  const call = (method: string, event: IpcMainInvokeEvent, params: unknown) =>
    handlers.get(`kiosk:${method}`)!(event, params);
  return { handlers, request, call, dispose };
}

describe('kiosk IPC bridge', () => {
  it('registers exactly one handler per kiosk method and removes them', () => {
    const { handlers, dispose } = setup(() => ({ ok: true, value: null }));
    expect([...handlers.keys()].sort()).toEqual(kioskMethodNames.map((m) => `kiosk:${m}`).sort());
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('forwards a good call with parsed params and parses the reply', async () => {
    const { call, request } = setup(() => ({ ok: true, value: state }));
    const result = await call('getState', eventFrom('app://kiosk/index.html'), {});
    expect(result).toEqual({ ok: true, value: state });
    expect(request).toHaveBeenCalledWith('getState', {});
    await call('listTracks', eventFrom('app://kiosk/index.html#/browse'), { letter: 'B' });
    // Defaults are filled in main: the core receives the parsed params, not the raw ones.
    expect(request).toHaveBeenLastCalledWith('listTracks', {
      letter: 'B',
      sort: 'title',
      offset: 0,
      limit: 60,
    });
  });

  it('refuses calls from a foreign origin, a sub-frame or a gone frame', async () => {
    const { call, request } = setup(() => ({ ok: true, value: state }));
    for (const event of [
      eventFrom('https://evil.example/'),
      eventFrom('app://other/index.html'),
      eventFrom('file:///tmp/x.html'),
      eventFrom('app://kiosk/index.html', { subFrame: true }),
      eventFrom('app://kiosk/index.html', { noFrame: true }),
    ]) {
      const result = (await call('getState', event, {})) as ApiResult<unknown>;
      expect(result).toEqual(fail('bad_request', 'untrusted sender'));
    }
    expect(request).not.toHaveBeenCalled();
  });

  it('refuses bad params with bad_request before they reach the core', async () => {
    const { call, request } = setup(() => ({ ok: true, value: null }));
    const ev = eventFrom('app://kiosk/');
    for (const [method, params] of [
      ['enqueue', { trackId: 'seven' }],
      ['setVolume', { volume: 101 }],
      ['search', { query: 'x'.repeat(201) }],
      ['getArtist', undefined],
      ['listTracks', { letter: 'ab' }],
    ] as const) {
      const result = (await call(method, ev, params)) as ApiResult<unknown>;
      expect(result.ok, method).toBe(false);
      expect(!result.ok && result.error.code).toBe('bad_request');
    }
    expect(request).not.toHaveBeenCalled();
  });

  it('passes on core errors and turns malformed replies and throws into internal', async () => {
    const ev = eventFrom('app://kiosk/');
    const busy = setup(() => fail('queue_full', 'queue is full'));
    expect(await busy.call('enqueue', ev, { trackId: 3 })).toEqual(
      fail('queue_full', 'queue is full'),
    );
    const junk = setup(() => ({ ok: true, value: { credits: 'lots' } }));
    const bad = (await junk.call('getState', ev, {})) as ApiResult<unknown>;
    expect(!bad.ok && bad.error.code).toBe('internal');
    const thrower = setup(() => {
      throw new Error('boom');
    });
    expect(await thrower.call('getState', ev, {})).toEqual(fail('internal', 'getState: boom'));
  });
});

describe('core event forwarding', () => {
  it('sends parsed events to the window and drops malformed ones', () => {
    const send = vi.fn();
    const target = { send, isDestroyed: () => false } as unknown as WebContents;
    const forward = coreEventForwarder(() => target);
    const notice = { type: 'notice', level: 'warning', message: 'bill jam' };
    forward(notice);
    forward({ type: 'notice', level: 'loud', message: 'x' });
    forward({ type: 'position', entryId: 1, positionMs: -5 });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith('kiosk:event', notice);
    coreEventForwarder(() => null)(notice);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('state refresh on (re)connection', () => {
  it('asks the core for its state on connect and forwards it; nothing on disconnect', async () => {
    const state = { credits: 0 };
    const request = vi.fn(async (): Promise<ApiResult<unknown>> => ({ ok: true, value: state }));
    const forward = vi.fn();
    const refresh = stateRefresher({ request }, forward);
    refresh(false);
    expect(request).not.toHaveBeenCalled();
    refresh(true);
    await vi.waitFor(() => expect(forward).toHaveBeenCalledWith({ type: 'state', state }));
    expect(request).toHaveBeenCalledWith('getState', {});
  });

  it('forwards nothing when the core answers with an error', async () => {
    const request = vi.fn(async (): Promise<ApiResult<unknown>> => fail('unavailable', 'down'));
    const forward = vi.fn();
    stateRefresher({ request }, forward)(true);
    await vi.waitFor(() => expect(request).toHaveBeenCalled());
    expect(forward).not.toHaveBeenCalled();
  });
});
