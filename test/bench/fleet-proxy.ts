import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/*
 * A TCP proxy between a box and the fleet server that counts every byte both ways (the idea
 * of test/integration/fleet/fault-proxy.ts, for measuring rather than breaking), follows blob
 * downloads in the plain HTTP/1.1 it forwards (which blob, from which Range offset, how many
 * body bytes reached the box), and can cut every connection at once when a chosen blob's body
 * has reached a chosen byte: a network outage in the middle of a download.
 */

const BLOB_GET = /^GET \/api\/v1\/box\/blobs\/([0-9a-f]{64})[? ]/;
const HEAD_END = '\r\n\r\n';
/** A request head longer than this is not one we follow (the socket became a WebSocket). */
const MAX_HEAD = 64 * 1024;

/** One blob response as it passed through. */
export interface BlobTransfer {
  connection: number;
  sha256: string;
  /** Start of the Range the box asked for (0 without one). */
  rangeStart: number;
  status: number | null;
  contentLength: number | null;
  /** Body bytes handed to the box's socket. */
  bodyBytes: number;
  /** True when this transfer was cut by `cutBlobAt`. */
  cut: boolean;
  /** performance.now() when the request was seen and when the last body byte went out. */
  requestedAt: number;
  doneAt: number | null;
}

interface Connection {
  id: number;
  client: Socket;
  upstream: Socket;
  /** Request bytes not yet parsed (latin1), or null once the connection is not plain HTTP. */
  requestText: string | null;
  /** Bytes of a request body still to skip. */
  skipBody: number;
  /** The blob response being received, once its request was seen. */
  transfer: BlobTransfer | null;
  responseHead: string;
}

export class CountingProxy {
  /** Box to server. */
  up = 0;
  /** Server to box. */
  down = 0;
  connections = 0;
  readonly transfers: BlobTransfer[] = [];
  #server: Server | null = null;
  readonly #open = new Set<Connection>();
  #cut: { sha256: string; afterBodyBytes: number; from: number } | null = null;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.#server = createServer((client) => this.#onConnection(client));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as AddressInfo).port;
  }

  /** Bytes both ways so far. */
  get total(): number {
    return this.up + this.down;
  }

  /**
   * Arms a one-time outage: when the body of blob `sha256` has delivered `afterBodyBytes`
   * bytes to the box (counted over the whole blob, not per response, in transfers from now
   * on), that many are delivered, then every open connection is dropped.
   */
  cutBlobAt(sha256: string, afterBodyBytes: number): void {
    this.#cut = { sha256, afterBodyBytes, from: this.transfers.length };
  }

  /** Drops every open connection (both sides). */
  cutAll(): void {
    for (const c of this.#open) this.#drop(c);
  }

  async stop(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }

  #drop(c: Connection): void {
    c.client.destroy();
    c.upstream.destroy();
    this.#open.delete(c);
  }

  #onConnection(client: Socket): void {
    this.connections += 1;
    const upstream = connect(this.target.port, this.target.host);
    const c: Connection = {
      id: this.connections,
      client,
      upstream,
      requestText: '',
      skipBody: 0,
      transfer: null,
      responseHead: '',
    };
    this.#open.add(c);
    const drop = () => this.#drop(c);
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
    client.on('data', (chunk: Buffer) => {
      this.up += chunk.length;
      this.#readRequests(c, chunk);
      pipeTo(client, upstream, chunk);
    });
    upstream.on('data', (chunk: Buffer) => this.#onResponseBytes(c, chunk));
  }

  /** Finds blob GETs in what the box sends (heads only; bodies are skipped by length). */
  #readRequests(c: Connection, chunk: Buffer): void {
    if (c.requestText === null) return;
    let data = chunk;
    if (c.skipBody > 0) {
      const skip = Math.min(c.skipBody, data.length);
      c.skipBody -= skip;
      data = data.subarray(skip);
    }
    c.requestText += data.toString('latin1');
    for (;;) {
      const end = c.requestText.indexOf(HEAD_END);
      if (end < 0) {
        if (c.requestText.length > MAX_HEAD) c.requestText = null;
        return;
      }
      const head = c.requestText.slice(0, end);
      let rest = c.requestText.slice(end + HEAD_END.length);
      if (/^upgrade:/im.test(head)) {
        // A WebSocket: what follows is frames, not requests.
        c.requestText = null;
        return;
      }
      const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
      const skip = Math.min(length, rest.length);
      rest = rest.slice(skip);
      c.skipBody = length - skip;
      c.requestText = c.skipBody > 0 ? '' : rest;
      const blob = BLOB_GET.exec(head);
      if (blob) {
        const range = /^range:\s*bytes=(\d+)-/im.exec(head);
        c.transfer = {
          connection: c.id,
          sha256: blob[1]!,
          rangeStart: Number(range?.[1] ?? 0),
          status: null,
          contentLength: null,
          bodyBytes: 0,
          cut: false,
          requestedAt: performance.now(),
          doneAt: null,
        };
        c.responseHead = '';
        this.transfers.push(c.transfer);
      }
      if (c.skipBody > 0) return;
    }
  }

  /**
   * Counts and forwards what the server sends. The box's HTTP client sends one request at a
   * time per connection, so after a blob GET the next response on that connection is the
   * blob's: its head, then `content-length` body bytes.
   */
  #onResponseBytes(c: Connection, chunk: Buffer): void {
    const t = c.transfer;
    if (t === null) {
      this.down += chunk.length;
      pipeTo(c.upstream, c.client, chunk);
      return;
    }
    let body = chunk;
    if (t.status === null) {
      c.responseHead += chunk.toString('latin1');
      const end = c.responseHead.indexOf(HEAD_END);
      if (end < 0) {
        this.down += chunk.length;
        pipeTo(c.upstream, c.client, chunk);
        return;
      }
      const head = c.responseHead.slice(0, end);
      t.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      t.contentLength = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? NaN);
      const headBytesInChunk = chunk.length - (c.responseHead.length - end - HEAD_END.length);
      body = chunk.subarray(headBytesInChunk);
    }
    const cut = this.#cut;
    if (cut && cut.sha256 === t.sha256) {
      const deliveredBefore = this.#bodyBytesOf(t.sha256, cut.from);
      const room = cut.afterBodyBytes - deliveredBefore;
      if (room <= body.length) {
        this.#cut = null;
        t.cut = true;
        t.doneAt = performance.now();
        const keep = chunk.length - body.length + Math.max(0, room);
        t.bodyBytes += Math.max(0, room);
        this.down += keep;
        c.client.write(chunk.subarray(0, keep), () => this.cutAll());
        return;
      }
    }
    t.bodyBytes += body.length;
    this.down += chunk.length;
    if (t.contentLength !== null && t.bodyBytes >= t.contentLength) {
      t.doneAt = performance.now();
      c.transfer = null;
    }
    pipeTo(c.upstream, c.client, chunk);
  }

  /** How far into `sha256` its transfers from index `from` on have reached. */
  #bodyBytesOf(sha256: string, from: number): number {
    let furthest = 0;
    for (const t of this.transfers.slice(from)) {
      if (t.sha256 === sha256) furthest = Math.max(furthest, t.rangeStart + t.bodyBytes);
    }
    return furthest;
  }
}

/**
 * Writes with backpressure: a slow reader pauses the sender instead of piling bytes up in
 * this process, so what was counted is what the kernel was actually handed.
 */
function pipeTo(from: Socket, to: Socket, chunk: Buffer): void {
  if (!to.write(chunk)) {
    from.pause();
    to.once('drain', () => from.resume());
  }
}
