import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openEncryptedBlob, type EncryptedBlob } from '@jukebox/crypto';

/** Bytes decrypted per response write: bounded memory whatever range ffmpeg asks for. */
const SLICE = 256 * 1024;

interface Entry {
  file: string;
  key: Buffer;
  expiresAt: number;
  blob: Promise<EncryptedBlob> | null;
}

/**
 * Serves decrypted fleet tracks to the box's own ffmpeg over loopback HTTP with Range.
 *
 * Why not a pipe: ffmpeg's MP3 demuxer applies the LAME header's encoder delay and padding
 * (the gapless trim) only on a seekable input; fed through stdin, a one-second track decodes
 * 875 samples long and every join would click. Over HTTP with Range the input is seekable, so
 * an encrypted track decodes to exactly the samples of its delivery file, while the plaintext
 * still never touches the disk: each request decrypts just the JBX1 chunks it needs.
 *
 * Each registered track gets an unguessable URL (256 random bits) that expires with the play;
 * the server listens on 127.0.0.1 only.
 */
export class PlaintextServer {
  private server: Server | null = null;
  private port = 0;
  private readonly entries = new Map<string, Entry>();
  private sweep: NodeJS.Timeout | null = null;

  /** Starts listening (once); registration needs the port, so call before the first play. */
  async start(): Promise<void> {
    if (this.server !== null) return;
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.sweep = setInterval(() => this.expire(), 60_000);
    this.sweep.unref();
  }

  /** A URL ffmpeg can read `file` (JBX1) from, decrypted with `key`, until `ttlMs` passes. */
  register(file: string, key: Buffer, ttlMs: number): string {
    if (this.server === null) throw new Error('plaintext server not started');
    const token = randomBytes(32).toString('base64url');
    this.entries.set(token, { file, key, expiresAt: Date.now() + ttlMs, blob: null });
    return `http://127.0.0.1:${this.port}/${token}`;
  }

  /** Forgets a URL (the play ended). */
  release(url: string): void {
    const token = url.slice(url.lastIndexOf('/') + 1);
    const entry = this.entries.get(token);
    if (!entry) return;
    this.entries.delete(token);
    void entry.blob?.then((b) => b.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    for (const token of [...this.entries.keys()]) this.release(`/${token}`);
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private expire(): void {
    const now = Date.now();
    for (const [token, e] of this.entries) if (e.expiresAt < now) this.release(`/${token}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = this.entries.get((req.url ?? '').slice(1));
    if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    let blob: EncryptedBlob;
    try {
      entry.blob ??= openEncryptedBlob(entry.file, entry.key);
      blob = await entry.blob;
    } catch {
      entry.blob = null;
      res.writeHead(500).end();
      return;
    }
    const size = blob.plaintextLength;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = size - 1;
    if (range) {
      if (range[1] === '' && range[2] !== '') {
        start = Math.max(0, size - Number(range[2]));
      } else {
        start = Number(range[1]);
        if (range[2] !== '') end = Math.min(end, Number(range[2]));
      }
      if (start >= size || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
    }
    res.writeHead(range ? 206 : 200, {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      for (let at = start; at <= end && !res.destroyed; at += SLICE) {
        const bytes = await blob.read(at, Math.min(end + 1, at + SLICE));
        if (!res.write(bytes)) await new Promise((r) => res.once('drain', r));
      }
      res.end();
    } catch {
      // A tampered chunk: stop mid-body; ffmpeg sees a truncated file and the play fails.
      res.destroy();
    }
  }
}
