import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBody, parseHead, type AnswerHead, type BodyGet } from './blob-http.js';

// The blob GET against raw TCP servers that send exactly the bytes each test needs: heads
// split anywhere, bodies cut anywhere, framings it refuses, a consumer that holds on to what
// it was lent, and the same over TLS with a certificate made by openssl for the test.

/** What the server does with the next connection (it gets the request's bytes too). */
let answer: (socket: Socket, request: string) => void = () => undefined;
let server: Server;
let base: string;
const sockets = new Set<Socket>();

function serve(socket: Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
  let request = '';
  socket.on('data', (d: Buffer) => {
    request += d.toString('latin1');
    if (request.includes('\r\n\r\n')) answer(socket, request);
  });
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const head = (status: number, headers: Record<string, string | number>) =>
  `HTTP/1.1 ${status} X\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

/** Runs a GET, copying every lent piece and releasing it at once (unless told otherwise). */
async function run(
  more: Partial<BodyGet> = {},
  url = `${base}/api/v1/box/blobs/x?y=1`,
): Promise<{ head: AnswerHead | null; body: Buffer; error: Error | null }> {
  const parts: Buffer[] = [];
  let got: AnswerHead | null = null;
  const error = await getBody({
    url: new URL(url),
    headers: { 'x-box-id': 'box-1' },
    idleTimeoutMs: 5_000,
    onHead: (h) => {
      got = h;
      return null;
    },
    onBody: (piece, release) => {
      parts.push(Buffer.from(piece));
      release();
    },
    ...more,
  }).then(
    () => null,
    (err: unknown) => err as Error,
  );
  return { head: got, body: Buffer.concat(parts), error };
}

describe('parseHead', () => {
  it('reads the status and headers, names in lower case, repeated ones joined', () => {
    const h = parseHead('HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2');
    expect(h).toEqual({
      status: 206,
      headers: new Map([
        ['content-length', '5'],
        ['x-a', '1, 2'],
      ]),
    });
    expect(parseHead('HTTP/1.0 200')).toMatchObject({ status: 200 });
  });

  it('refuses what is not an HTTP/1.x head', () => {
    for (const bad of ['', 'HTTP/2 200 OK', 'SSH-2.0-OpenSSH', 'HTTP/1.1 2000 X']) {
      expect(parseHead(bad), bad).toBeInstanceOf(Error);
    }
    expect(parseHead('HTTP/1.1 200 OK\r\nno colon here')).toMatchObject({
      message: 'malformed header line: "no colon here"',
    });
    expect(parseHead('HTTP/1.1 200 OK\r\n: empty name')).toBeInstanceOf(Error);
  });
});

describe('getBody', () => {
  it('sends one GET with the headers and Connection: close, and lends exactly the body', async () => {
    const body = randomBytes(700_000);
    let seen = '';
    answer = (socket, request) => {
      seen = request;
      socket.end(Buffer.concat([Buffer.from(head(200, { 'content-length': body.length })), body]));
    };
    const got = await run();
    expect(got.error).toBeNull();
    expect(got.head?.status).toBe(200);
    expect(got.body.equals(body)).toBe(true);
    expect(seen).toMatch(/^GET \/api\/v1\/box\/blobs\/x\?y=1 HTTP\/1\.1\r\n/);
    expect(seen).toContain(`host: ${new URL(base).host}\r\n`);
    expect(seen).toContain('x-box-id: box-1\r\n');
    expect(seen).toContain('connection: close\r\n\r\n');
  });

  it('takes a head split byte by byte and a body in small pieces', async () => {
    const body = randomBytes(5_000);
    answer = (socket) => {
      const bytes = Buffer.concat([
        Buffer.from(head(206, { 'content-length': body.length, 'content-range': 'bytes 0-1/2' })),
        body,
      ]);
      let at = 0;
      const drip = () => {
        if (at >= bytes.length) return void socket.end();
        const n = at < 120 ? 1 : 997;
        socket.write(bytes.subarray(at, at + n));
        at += n;
        setTimeout(drip, at < 120 ? 1 : 0);
      };
      drip();
    };
    const got = await run();
    expect(got.error).toBeNull();
    expect(got.head?.headers.get('content-range')).toBe('bytes 0-1/2');
    expect(got.body.equals(body)).toBe(true);
  });

  it('lends what arrived before a cut, then fails saying how much was missing', async () => {
    const body = randomBytes(300_000);
    answer = (socket) => {
      socket.write(head(200, { 'content-length': body.length }));
      socket.end(body.subarray(0, 123_456));
    };
    const got = await run();
    expect(got.body.equals(body.subarray(0, 123_456))).toBe(true);
    expect(got.error?.message).toBe(
      `the connection was cut with ${300_000 - 123_456} body bytes still to come`,
    );
  });

  it('leaves out bytes after Content-Length', async () => {
    answer = (socket) => socket.end(`${head(200, { 'content-length': 3 })}abcHTTP/1.1 200 OK`);
    const got = await run();
    expect(got.error).toBeNull();
    expect(got.body.toString()).toBe('abc');
  });

  it('an empty body resolves at once', async () => {
    answer = (socket) => socket.write(head(200, { 'content-length': 0 }));
    const got = await run();
    expect(got.error).toBeNull();
    expect(got.body.length).toBe(0);
  });

  it('refuses answers it cannot frame, heads that never end, and a refusal by onHead', async () => {
    const cases: [string, RegExp][] = [
      [
        `${head(200, { 'transfer-encoding': 'chunked' })}3\r\nabc\r\n0\r\n\r\n`,
        /HTTP 200 without a Content-Length \(transfer-encoding: chunked\)/,
      ],
      [`${head(200, {})}abc`, /without a Content-Length/],
      [`${head(200, { 'content-length': '3, 4' })}abc`, /without a Content-Length/],
      [`${head(200, { 'content-length': '-3' })}abc`, /without a Content-Length/],
      ['SSH-2.0-OpenSSH_9.2\r\n\r\n', /not an HTTP\/1.1 answer/],
      [`HTTP/1.1 200 OK\r\nX-Long: ${'a'.repeat(70_000)}`, /head exceeds 65536 bytes/],
    ];
    for (const [bytes, message] of cases) {
      answer = (socket) => socket.end(bytes);
      const got = await run();
      expect(got.error?.message, bytes.slice(0, 40)).toMatch(message);
      expect(got.body.length).toBe(0);
    }
    answer = (socket) => socket.end(`${head(404, { 'content-length': 9 })}not found`);
    const refused = await run({ onHead: (h) => new Error(`HTTP ${h.status}`) });
    expect(refused.error?.message).toBe('HTTP 404');
    expect(refused.body.length).toBe(0);
  });

  it('fails on a closed port, a silent server, an abort, and a malformed request', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect((await run({}, `http://127.0.0.1:${port}/x`)).error?.message).toMatch(/ECONNREFUSED/);

    answer = () => undefined;
    expect((await run({ idleTimeoutMs: 150 })).error?.message).toBe('no data for 150 ms');

    const abort = new AbortController();
    answer = (socket) => {
      socket.write(head(200, { 'content-length': 10 }));
      socket.write('abcd', () => setTimeout(() => abort.abort(new Error('paused: a burn')), 50));
    };
    const aborted = await run({ signal: abort.signal });
    expect(aborted.error?.message).toBe('paused: a burn');
    expect(aborted.body.toString()).toBe('abcd');
    expect((await run({ signal: abort.signal })).error?.message).toBe('paused: a burn');

    expect((await run({ headers: { 'x-a': 'b\r\nx-evil: 1' } })).error?.message).toBe(
      'the request header "x-a" is malformed',
    );
    expect((await run({ headers: { 'bad name': 'v' } })).error?.message).toMatch(/malformed/);
    expect((await run({}, 'ftp://127.0.0.1/x')).error?.message).toBe('ftp: is not http: or https:');
  });

  it('stops reading while too much is lent, and goes on once it is released', async () => {
    const body = randomBytes(12 * 1024 * 1024);
    answer = (socket) => {
      socket.write(head(200, { 'content-length': body.length }));
      socket.end(body);
    };
    const held: (() => void)[] = [];
    const parts: Buffer[] = [];
    let lent = 0;
    let most = 0;
    const done = getBody({
      url: new URL(`${base}/x`),
      headers: {},
      idleTimeoutMs: 5_000,
      onHead: () => null,
      onBody: (piece, release) => {
        parts.push(Buffer.from(piece));
        lent += piece.length;
        most = Math.max(most, lent);
        held.push(() => {
          lent -= piece.length;
          release();
        });
      },
    });
    // Hold everything until reading has stopped (nothing new for a while).
    let before = -1;
    while (before !== parts.length) {
      before = parts.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lent).toBeLessThan(body.length);
    expect(most).toBeLessThanOrEqual(4 * 1024 * 1024 + 256 * 1024);
    // Release in turns as a slow disk would, until the whole body is through.
    while (Buffer.concat(parts).length < body.length || held.length > 0) {
      for (const r of held.splice(0)) r();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await done;
    expect(Buffer.concat(parts).equals(body)).toBe(true);
  });

  it('the same over TLS, checked against the certificate it was given', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(path.join(dir, 'cert.pem'));
      const body = randomBytes(2_000_000);
      const secure = createTlsServer(
        { key: readFileSync(path.join(dir, 'key.pem')), cert },
        (socket) => {
          socket.once('data', () =>
            socket.end(
              Buffer.concat([Buffer.from(head(200, { 'content-length': body.length })), body]),
            ),
          );
        },
      );
      await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
      const url = `https://localhost:${(secure.address() as AddressInfo).port}/blob`;
      try {
        const trusted = await run({ tls: { ca: cert } }, url);
        expect(trusted.error).toBeNull();
        expect(trusted.body.equals(body)).toBe(true);
        const untrusted = await run({}, url);
        expect(untrusted.error?.message).toMatch(/self.signed|unable to verify/i);
        expect(untrusted.body.length).toBe(0);
      } finally {
        await new Promise<void>((resolve) => secure.close(() => resolve()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
