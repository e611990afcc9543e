import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { CoreClient } from './core-client.js';

/** A fake core: a real ws server on 127.0.0.1 that answers like /api/v1/ws. */
let server: WebSocketServer;
let baseUrl: string;
const sockets: WebSocket[] = [];
let paths: string[];

beforeEach(async () => {
  paths = [];
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('connection', (socket, req) => {
    sockets.push(socket);
    paths.push(req.url ?? '');
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id: number; method: string; params: unknown };
      if (msg.method === 'getState') {
        socket.send(
          JSON.stringify({
            type: 'response',
            id: msg.id,
            result: { ok: true, value: { echo: msg.params } },
          }),
        );
      } else if (msg.method === 'enqueue') {
        socket.send(
          JSON.stringify({
            type: 'response',
            id: msg.id,
            result: { ok: false, error: { code: 'queue_full', message: 'full' } },
          }),
        );
      } else if (msg.method === 'search') {
        socket.send(
          JSON.stringify({
            type: 'response',
            id: msg.id,
            result: { ok: false, error: { code: 'teapot', message: 'odd' } },
          }),
        );
      }
      // setVolume: never answered (a hung core).
    });
  });
});

let client: CoreClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  for (const s of sockets.splice(0)) s.terminate();
  await new Promise((resolve) => server.close(resolve));
});

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = (): void => {
      if (check()) resolve();
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe('CoreClient', () => {
  it('forwards a call and returns the core result', async () => {
    client = new CoreClient();
    client.setUrl(baseUrl);
    // Issued before the socket is open: waits for the connection instead of failing.
    const result = await client.request('getState', { a: 1 });
    expect(result).toEqual({ ok: true, value: { echo: { a: 1 } } });
    expect(paths).toEqual(['/api/v1/ws']);
  });

  it('maps core errors, unknown codes becoming internal', async () => {
    client = new CoreClient();
    client.setUrl(baseUrl);
    expect(await client.request('enqueue', { trackId: 1 })).toEqual({
      ok: false,
      error: { code: 'queue_full', message: 'full' },
    });
    expect(await client.request('search', { query: 'x' })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'odd' },
    });
  });

  it('fails a call the core never answers with unavailable', async () => {
    client = new CoreClient({ requestTimeoutMs: 50 });
    client.setUrl(baseUrl);
    const result = await client.request('setVolume', { volume: 3 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('unavailable');
  });

  it('reconnects after the connection drops, failing the call in flight', async () => {
    const states: boolean[] = [];
    client = new CoreClient({
      backoff: { initialMs: 5, maxMs: 20 },
      onConnectionChange: (c) => states.push(c),
    });
    client.setUrl(baseUrl);
    await client.request('getState', {});
    const inFlight = client.request('setVolume', { volume: 1 });
    await waitFor(() => sockets.length === 1);
    sockets[0]!.terminate();
    const dropped = await inFlight;
    expect(!dropped.ok && dropped.error.code).toBe('unavailable');
    await waitFor(() => client!.connected && sockets.length === 2);
    expect(await client.request('getState', { again: true })).toEqual({
      ok: true,
      value: { echo: { again: true } },
    });
    expect(states).toEqual([true, false, true]);
  });

  it('delivers parsed events and drops malformed messages', async () => {
    const events: unknown[] = [];
    const logs: string[] = [];
    client = new CoreClient({ onEvent: (e) => events.push(e), log: (l) => logs.push(l) });
    client.setUrl(baseUrl);
    await client.request('getState', {});
    const notice = { type: 'notice', level: 'info', message: 'hello' };
    sockets[0]!.send('not json');
    sockets[0]!.send(JSON.stringify({ type: 'event', event: { type: 'bogus' } }));
    sockets[0]!.send(JSON.stringify({ type: 'event', event: notice }));
    await waitFor(() => events.length === 1);
    expect(events).toEqual([notice]);
    expect(logs.filter((l) => l.includes('malformed'))).toHaveLength(2);
  });
});
