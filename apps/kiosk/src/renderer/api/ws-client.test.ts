import type { KioskEvent } from '@jukebox/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from './fake-socket.test-util.js';
import { sampleState, sampleTrack } from './sample-data.test-util.js';
import { createWsKioskApi, type WsKioskApi } from './ws-client.js';

describe('createWsKioskApi', () => {
  let sockets: FakeSocket[];
  let api: WsKioskApi;

  const latest = (): FakeSocket => sockets.at(-1)!;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    api = createWsKioskApi({
      url: 'ws://box/api/v1/ws',
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      initialBackoffMs: 100,
      maxBackoffMs: 400,
      requestTimeoutMs: 5_000,
    });
  });

  afterEach(() => {
    api.dispose();
    vi.useRealTimers();
  });

  it('holds calls made while connecting and sends them once the socket opens', async () => {
    const reply = api.getCategories({});
    expect(latest().url).toBe('ws://box/api/v1/ws');
    latest().open();
    const [request] = latest().sent;
    expect(request).toEqual({ type: 'request', id: 1, method: 'getCategories', params: {} });
    latest().reply(1, { ok: true, value: [{ id: 5, name: 'Rock', trackCount: 3, coverId: null }] });
    await expect(reply).resolves.toEqual({
      ok: true,
      value: [{ id: 5, name: 'Rock', trackCount: 3, coverId: null }],
    });
  });

  it('parses replies with the method schema and fills in nothing the core did not send', async () => {
    latest().open();
    const reply = api.enqueue({ trackId: 1 });
    const entry = {
      entryId: 9,
      track: sampleTrack(),
      requestedAt: '2026-01-01T00:00:00Z',
      playNext: false,
    };
    latest().reply(latest().sent[0]!.id, { ok: true, value: entry });
    await expect(reply).resolves.toEqual({ ok: true, value: entry });
  });

  it('keeps missingCredits on insufficient_credits for the insert-money prompt', async () => {
    latest().open();
    const reply = api.enqueue({ trackId: 1, playNext: true });
    latest().reply(1, {
      ok: false,
      error: { code: 'insufficient_credits', message: 'needs 3 credits', missingCredits: 2 },
    });
    await expect(reply).resolves.toEqual({
      ok: false,
      error: { code: 'insufficient_credits', message: 'needs 3 credits', missingCredits: 2 },
    });
  });

  it('turns a reply that does not match the result schema into an internal error', async () => {
    latest().open();
    const reply = api.getCategories({});
    latest().reply(1, { ok: true, value: [{ id: 'not a number' }] });
    const result = await reply;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('internal');
  });

  it('turns a malformed envelope for a known id into an internal error', async () => {
    latest().open();
    const reply = api.getState({});
    latest().reply(1, { ok: 'maybe' });
    const result = await reply;
    expect(!result.ok && result.error.code).toBe('internal');
  });

  it('passes API errors through and maps unknown codes to internal', async () => {
    latest().open();
    const first = api.enqueue({ trackId: 1 });
    const second = api.enqueue({ trackId: 2 });
    latest().reply(1, { ok: false, error: { code: 'queue_full', message: 'full' } });
    latest().reply(2, { ok: false, error: { code: 'teapot', message: 'odd' } });
    expect(await first).toEqual({ ok: false, error: { code: 'queue_full', message: 'full' } });
    expect(await second).toEqual({ ok: false, error: { code: 'internal', message: 'odd' } });
  });

  it('ignores garbage without throwing', () => {
    latest().open();
    expect(() => latest().receive('{not json')).not.toThrow();
    expect(() => latest().receive({ type: 'event', event: { type: 'nope' } })).not.toThrow();
    expect(() => latest().receive(42)).not.toThrow();
  });

  it('delivers parsed events to listeners until they unsubscribe', () => {
    latest().open();
    const seen: KioskEvent[] = [];
    const off = api.onEvent((event) => seen.push(event));
    const notice = { type: 'notice', level: 'info', message: 'Hello' } as const;
    latest().receive({ type: 'event', event: notice });
    latest().receive({ type: 'event', event: { type: 'position', entryId: 1, positionMs: -5 } });
    off();
    latest().receive({ type: 'event', event: notice });
    expect(seen).toEqual([notice]);
  });

  it('keeps delivering to other listeners when one throws', () => {
    latest().open();
    const seen: string[] = [];
    vi.spyOn(console, 'error').mockImplementation(() => {});
    api.onEvent(() => {
      throw new Error('boom');
    });
    api.onEvent((event) => seen.push(event.type));
    latest().receive({ type: 'event', event: { type: 'position', entryId: 1, positionMs: 5 } });
    expect(seen).toEqual(['position']);
  });

  it('fails pending calls with unavailable when the socket drops, and fails fast while offline', async () => {
    latest().open();
    const pending = api.search({ query: 'a' });
    latest().drop();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(api.connectionStatus()).toBe('offline');
    expect(await api.getState({})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('fails a call with unavailable when no reply comes in time', async () => {
    latest().open();
    const pending = api.getState({});
    vi.advanceTimersByTime(5_000);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('reconnects with doubling backoff, capped, and resets it after a good connection', () => {
    latest().drop();
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    latest().drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    latest().drop();
    vi.advanceTimersByTime(400);
    expect(sockets).toHaveLength(4);
    latest().drop();
    vi.advanceTimersByTime(400);
    expect(sockets).toHaveLength(5);
    latest().open();
    latest().drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(6);
  });

  it('re-requests state after a reconnect and pushes it as a state event', async () => {
    latest().open();
    const statuses: string[] = [];
    api.onConnectionChange((status) => statuses.push(status));
    const seen: KioskEvent[] = [];
    api.onEvent((event) => seen.push(event));
    latest().drop();
    vi.advanceTimersByTime(100);
    latest().open();
    const request = latest().sent[0]!;
    expect(request.method).toBe('getState');
    const state = sampleState({ credits: 3 });
    latest().reply(request.id, { ok: true, value: state });
    await vi.waitFor(() => expect(seen).toEqual([{ type: 'state', state }]));
    expect(statuses).toEqual(['offline', 'connecting', 'open']);
  });

  it('builds cover URLs under /media/covers', () => {
    expect(api.coverUrl('ab12')).toBe('/media/covers/ab12');
  });

  it('builds preview URLs under /media/previews on the core origin', () => {
    expect(api.previewUrl(42)).toBe('/media/previews/42');
  });

  it('stops reconnecting after dispose', () => {
    latest().open();
    api.dispose();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });
});
