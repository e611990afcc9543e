import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingProxy } from './fleet-proxy.js';

// The benchmarks' proxy against a small HTTP server that serves one blob with Range, the way
// the fleet server's blob route does: what it counts, what it follows, where it cuts, and
// that bytes which are not HTTP pass through untouched.

const blob = randomBytes(300_000);
const sha = createHash('sha256').update(blob).digest('hex');
let server: Server;
let port: number;
/** Bytes the server read and wrote, per its own sockets. */
const seen = { read: 0, written: 0 };

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'POST') {
      req.resume();
      req.on('end', () => res.end('{"ok":true}'));
      return;
    }
    if (req.url !== `/api/v1/box/blobs/${sha}`) {
      res.writeHead(404).end('{"error":"not found"}');
      return;
    }
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    res.writeHead(start > 0 ? 206 : 200, { 'content-length': blob.length - start });
    res.end(blob.subarray(start));
  });
  server.on('connection', (socket) => {
    socket.on('close', () => {
      seen.read += socket.bytesRead;
      seen.written += socket.bytesWritten;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const openConnections = () =>
  new Promise<number>((resolve) => server.getConnections((_err, n) => resolve(n)));

async function withProxy<T>(fn: (proxy: CountingProxy, base: string) => Promise<T>): Promise<T> {
  const proxy = new CountingProxy({ host: '127.0.0.1', port });
  const proxyPort = await proxy.start();
  try {
    return await fn(proxy, `http://127.0.0.1:${proxyPort}`);
  } finally {
    await proxy.stop();
  }
}

describe('CountingProxy', () => {
  it('counts every byte both ways and follows blob downloads on a kept-alive connection', async () => {
    seen.read = 0;
    seen.written = 0;
    const proxy = await withProxy(async (p, base) => {
      // A body-carrying request first, then blobs on the same connection.
      await (
        await fetch(`${base}/api/v1/enroll`, { method: 'POST', body: 'x'.repeat(5000) })
      ).text();
      expect(
        Buffer.from(await (await fetch(`${base}/api/v1/box/blobs/${sha}`)).arrayBuffer()),
      ).toEqual(blob);
      const tail = await fetch(`${base}/api/v1/box/blobs/${sha}`, {
        headers: { range: 'bytes=250000-' },
      });
      expect((await tail.arrayBuffer()).byteLength).toBe(50_000);
      await (await fetch(`${base}/nothing`)).text();
      return p;
    });
    // The server's sockets report their bytes when they close (the proxy dropped them).
    for (let i = 0; i < 200 && (await openConnections()) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(proxy.up).toBe(seen.read);
    expect(proxy.down).toBe(seen.written);
    expect(proxy.transfers.map((t) => [t.rangeStart, t.status, t.bodyBytes])).toEqual([
      [0, 200, 300_000],
      [250_000, 206, 50_000],
    ]);
    expect(proxy.transfers.every((t) => t.sha256 === sha && t.doneAt !== null)).toBe(true);
  });

  it('delivers exactly N body bytes of the chosen blob, then drops every connection', async () => {
    await withProxy(async (proxy, base) => {
      proxy.cutBlobAt(sha, 123_457);
      const res = await fetch(`${base}/api/v1/box/blobs/${sha}`);
      const got: Buffer[] = [];
      const failure = await (async () => {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>)
          got.push(Buffer.from(chunk));
      })().then(
        () => null,
        (err: unknown) => err,
      );
      expect(failure).not.toBeNull();
      expect(proxy.transfers[0]).toMatchObject({ cut: true, bodyBytes: 123_457 });
      // Counted over the whole blob: a resume from 100,000 is not cut again (one-time).
      const resumed = await fetch(`${base}/api/v1/box/blobs/${sha}`, {
        headers: { range: 'bytes=100000-' },
      });
      expect((await resumed.arrayBuffer()).byteLength).toBe(200_000);
      expect(proxy.transfers[1]).toMatchObject({ cut: false, rangeStart: 100_000 });
    });
  });

  it('passes bytes that are not HTTP (or a head split across packets) through, counted', async () => {
    await withProxy(async (proxy, base) => {
      const { port: proxyPort } = new URL(base);
      const garbage = Buffer.concat([randomBytes(70_000), Buffer.from('\r\n\r\nGET /x')]);
      const socket = connect(Number(proxyPort), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(garbage);
      // The server answers the garbage with 400 and closes.
      await new Promise<void>((resolve) => socket.on('close', () => resolve()).resume());
      expect(proxy.up).toBe(garbage.length);
      expect(proxy.down).toBeGreaterThan(0);

      const split = connect(Number(proxyPort), '127.0.0.1');
      await new Promise<void>((resolve) => split.once('connect', resolve));
      const head = `GET /api/v1/box/blobs/${sha} HTTP/1.1\r\nhost: x\r\nrange: bytes=299990-\r\nconnection: close\r\n\r\n`;
      split.write(head.slice(0, 30));
      await new Promise((resolve) => setTimeout(resolve, 20));
      split.write(head.slice(30));
      await new Promise<void>((resolve) => split.on('close', () => resolve()).resume());
      expect(proxy.transfers.at(-1)).toMatchObject({ rangeStart: 299_990, bodyBytes: 10 });
    });
  });
});
