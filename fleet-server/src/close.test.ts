import net from 'node:net';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './test-support/server.js';

// Closing the server always ends: a client holding a connection busy (half a request sent,
// then silence) is cut after half the shutdown timeout, and the database still closes.

const [sqlite] = testDatabaseTargets();

describe('closing the server', () => {
  it('cuts a connection a client holds busy, then closes the database', async () => {
    const t = await startTestServer(sqlite!, { shutdownTimeoutSeconds: 2 });
    const { port } = new URL(t.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Headers that never end: the server is mid-request on this connection.
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const t0 = performance.now();
    await t.close();
    const ms = performance.now() - t0;
    await ended;
    // Cut at half the 2 s timeout (the CLI would have exited at 2 s).
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(30_000);
    // The database was closed by the app's close hook (Kysely refuses queries after destroy).
    await expect(
      t.server.context.db.selectFrom('staff_users').selectAll().execute(),
    ).rejects.toThrow();
  }, 60_000);
});
