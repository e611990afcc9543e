import { kioskMethodNames } from '@jukebox/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (event: unknown, ...args: unknown[]) => void;

const fake = vi.hoisted(() => {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    ipcRenderer: {
      invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: 'v' })),
      on: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
      }),
      removeListener: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
        listeners.get(channel)?.delete(l);
      }),
      send: vi.fn(),
      sendSync: vi.fn(),
    },
  };
});

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api),
  },
  ipcRenderer: fake.ipcRenderer,
}));

await import('./preload.js');

type ExposedApi = Record<string, (...args: unknown[]) => unknown>;
const api = (): ExposedApi => fake.exposed.get('jukebox') as ExposedApi;

function emit(channel: string, ...args: unknown[]): void {
  const rawEvent = { sender: fake.ipcRenderer, senderId: 0, ports: [] };
  for (const l of fake.listeners.get(channel) ?? []) (l as Listener)(rawEvent, ...args);
}

beforeEach(() => {
  fake.ipcRenderer.invoke.mockClear();
});

describe('preload', () => {
  it('exposes exactly the kiosk methods, onEvent, coverUrl and previewUrl, as functions', () => {
    expect([...fake.exposed.keys()]).toEqual(['jukebox']);
    const keys = Object.keys(api()).sort();
    expect(keys).toEqual([...kioskMethodNames, 'onEvent', 'coverUrl', 'previewUrl'].sort());
    for (const key of keys) expect(typeof api()[key], key).toBe('function');
    expect(keys).not.toContain('invoke');
    expect(keys).not.toContain('ipcRenderer');
  });

  it('binds each method to its own channel', async () => {
    for (const method of kioskMethodNames) {
      const result = await api()[method]!({ any: 1 });
      expect(result).toEqual({ ok: true, value: 'v' });
      expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(`kiosk:${method}`, { any: 1 });
    }
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledTimes(kioskMethodNames.length);
  });

  it('turns a missing handler into an unavailable result', async () => {
    fake.ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'));
    const result = (await api().getState!({})) as { ok: boolean; error?: { code: string } };
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('unavailable');
  });

  it('gives listeners only the parsed event, never the raw IPC event', () => {
    const seen: unknown[][] = [];
    const unsubscribe = api().onEvent!((...args: unknown[]) => seen.push(args)) as () => void;
    const notice = { type: 'notice', level: 'info', message: 'hi' };
    emit('kiosk:event', notice);
    emit('kiosk:event', { type: 'nonsense' });
    emit('kiosk:event', { type: 'position', entryId: 3, positionMs: 1000 });
    expect(seen).toEqual([[notice], [{ type: 'position', entryId: 3, positionMs: 1000 }]]);
    unsubscribe();
    emit('kiosk:event', notice);
    expect(seen).toHaveLength(2);
    expect(fake.listeners.get('kiosk:event')?.size).toBe(0);
  });

  it('builds cover URLs under the media scheme', () => {
    const id = 'f'.repeat(64);
    expect(api().coverUrl!(id)).toBe(`jukebox-media://covers/${id}`);
  });

  it('builds preview URLs under the media scheme, which main proxies to the core', () => {
    expect(api().previewUrl!(42)).toBe('jukebox-media://previews/42');
  });

  it('binds the retail methods to their channels with the params as given', async () => {
    const order = { requestId: 'req-12345678', title: 'My Mix', trackIds: [3, 3, 9] };
    await api().placeOrder!(order);
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith('kiosk:placeOrder', order);
    await api().redeemVoucher!({ code: 'GIFT-1234' });
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith('kiosk:redeemVoucher', {
      code: 'GIFT-1234',
    });
  });
});
