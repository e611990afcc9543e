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
  /** Chance that one bit is flipped in the server-to-client bytes of a connection. */
  flipChance?: number;
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
    // Squared: most cuts come early (handshakes, first frames), some late in a long session.
    const cutAt =
      this.enabled && r() < this.opts.cutChance
        ? Math.floor(r() ** 2 * this.opts.maxCutOffset)
        : -1;
    const flipAt =
      this.enabled && r() < (this.opts.flipChance ?? 0)
        ? Math.floor(r() * this.opts.maxCutOffset)
        : -1;
    let passed = 0;
    let down = 0;
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
    client.on('data', (chunk: Buffer) => forward(chunk, upstream));
    upstream.on('data', (chunk: Buffer) => {
      let out = chunk;
      if (flipAt >= down && flipAt < down + chunk.length) {
        out = Buffer.from(chunk);
        const i = flipAt - down;
        out[i] = (out[i] ?? 0) ^ (1 << Math.floor(r() * 8));
        this.stats.flips += 1;
      }
      down += chunk.length;
      forward(out, client);
    });
  }
}
