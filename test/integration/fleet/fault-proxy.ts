import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FaultProxyOptions {
  /** Where connections are forwarded. */
  target: { host: string; port: number };
  /** Seeded random source in [0, 1). */
  random: () => number;
  /** Chance that a connection is cut at a random byte offset (per connection). */
  cutChance: number;
  /** Largest offset (bytes, either direction) at which a connection is cut. */
  maxCutOffset: number;
  /** Largest cut offset on a blob download (they are long; default `maxCutOffset`). */
  maxBlobCutOffset?: number;
  /** Chance that one bit of a blob download's body is flipped (per blob request). */
  flipChance?: number;
  /** The first this many blob answers get a flipped bit for sure (so every run has some). */
  flipFirst?: number;
}

export interface FaultStats {
  connections: number;
  cuts: number;
  flips: number;
}

/**
 * A TCP proxy for fault injection between a box and the fleet server: it forwards bytes both
 * ways and, per connection and by a seeded random choice, cuts the connection after a random
 * number of bytes (the box sees a reset mid-request, mid-download or mid-WebSocket-frame) or
 * flips one bit of what the server sends. `setEnabled(false)` makes it a clean pipe again so a
 * test can let the system settle.
 */
export class FaultProxy {
  readonly stats: FaultStats = { connections: 0, cuts: 0, flips: 0 };
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Open connections, each as the function that cuts it where its bytes are now. */
  private readonly live = new Set<() => void>();
  private enabled = true;
  private blobAnswers = 0;

  constructor(private readonly opts: FaultProxyOptions) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.onConnection(client));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  /**
   * Cuts one open connection, picked at random, wherever its byte stream is right now (a long
   * quiet session is cut too, not only a busy one). False when none is open.
   */
  cutOne(): boolean {
    const all = [...this.live];
    const cut = all[Math.floor(this.opts.random() * all.length)];
    if (!cut) return false;
    cut();
    return true;
  }

  /** Drops every open connection at once (as a network outage would). */
  cutAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private onConnection(client: Socket): void {
    this.stats.connections += 1;
    const upstream = connect(this.opts.target.port, this.opts.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    let isCut = false;
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      this.live.delete(cutNow);
    };
    const cutNow = (): void => {
      if (isCut) return;
      isCut = true;
      this.stats.cuts += 1;
      drop();
    };
    this.live.add(cutNow);
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);

    const r = this.opts.random;
    // Planned per request, from the request line the box sends: what it is for decides how
    // late a cut may come and whether a bit of the answer may flip. (A kept-alive connection
    // carries several requests: a manifest, then blobs.)
    let cutAt = -1;
    let flipAt = -1;
    let passed = 0;
    /** Body bytes of the current answer so far (after its headers); -1 while in the headers. */
    let body = -1;
    let head = '';
    const plan = (request: string): void => {
      if (!this.enabled) return;
      const blob = /^GET \/api\/v1\/box\/blobs\//.test(request);
      const isRequest = /^[A-Z]+ \//.test(request);
      if (!isRequest) return;
      body = -1;
      head = '';
      const max = blob
        ? (this.opts.maxBlobCutOffset ?? this.opts.maxCutOffset)
        : this.opts.maxCutOffset;
      // Squared: most cuts come early (handshakes, first frames), some late in a long session.
      if (r() < this.opts.cutChance) cutAt = passed + Math.floor(r() ** 2 * max);
      // Bits are flipped only in blob bodies: content must survive a bad byte by its SHA-256.
      // (The control channel and the JSON answers would run over TLS in production, where a
      // flipped bit is a failed connection, which the cuts already cover.)
      const sure = blob && this.blobAnswers++ < (this.opts.flipFirst ?? 0);
      flipAt = blob && (sure || r() < (this.opts.flipChance ?? 0)) ? Math.floor(r() * max) : -1;
    };
    /** Forwards `chunk` to `to`, or only its bytes up to the cut, then cuts. */
    const forward = (chunk: Buffer, to: Socket): void => {
      if (isCut) return;
      if (cutAt >= 0 && passed + chunk.length >= cutAt) {
        isCut = true;
        const keep = cutAt - passed;
        passed = cutAt;
        this.stats.cuts += 1;
        if (keep > 0) to.write(chunk.subarray(0, keep), drop);
        else drop();
        return;
      }
      passed += chunk.length;
      to.write(chunk);
    };
    client.on('data', (chunk: Buffer) => {
      plan(chunk.toString('latin1', 0, Math.min(chunk.length, 200)));
      forward(chunk, upstream);
    });
    upstream.on('data', (chunk: Buffer) => {
      let out = chunk;
      let bodyStart = 0;
      if (body < 0) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0) {
          bodyStart = chunk.length - (head.length - (end + 4));
          body = 0;
        }
      }
      if (body >= 0 && flipAt >= 0) {
        const inChunk = flipAt - body + bodyStart;
        if (inChunk >= bodyStart && inChunk < chunk.length) {
          out = Buffer.from(chunk);
          out[inChunk] = (out[inChunk] ?? 0) ^ (1 << Math.floor(r() * 8));
          this.stats.flips += 1;
          flipAt = -1;
        }
      }
      if (body >= 0) body += chunk.length - bodyStart;
      forward(out, client);
    });
  }
}
