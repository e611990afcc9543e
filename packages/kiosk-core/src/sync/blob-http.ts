import net, { type Socket } from 'node:net';
import tls from 'node:tls';

/*
 * A GET that hands the body over in the socket's own read buffers. Blob downloads are the
 * box's heaviest work: node:http gives every 64 KiB read a new buffer and copies the body
 * once more out of its parser, and at hundreds of MiB a sync that was about a quarter of the
 * box's CPU (measured with --cpu-prof and perf on the fleet-sync benchmark). Here the socket
 * reads straight into buffers from a small pool (`onread`), the body is lent to the caller
 * piece by piece, and a buffer goes back to the pool when the caller releases it.
 *
 * Only what blob downloads need: one GET per connection (`Connection: close`), a body framed
 * by Content-Length, no redirects. Anything else is refused with an error that says so.
 */

/** Size of each read buffer. */
const READ_BUFFER = 256 * 1024;
/** Body bytes lent and not yet released beyond which the socket stops reading. */
const MAX_LENT = 4 * 1024 * 1024;
/** Free read buffers kept for the next downloads. */
const POOL_MAX = 32;
/** A response head longer than this is refused. */
const MAX_HEAD = 64 * 1024;

const pool: Buffer[] = [];

/** The status and headers of an answer; header names are lower case. */
export interface AnswerHead {
  status: number;
  headers: ReadonlyMap<string, string>;
}

export interface BodyGet {
  url: URL;
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** A connection that delivers nothing for this long is given up. */
  idleTimeoutMs: number;
  /** Extra TLS settings for https (e.g. `ca` for a server with a private certificate). */
  tls?: tls.ConnectionOptions;
  /** The head has arrived: return an error to refuse the answer (the body is not read). */
  onHead: (head: AnswerHead) => Error | null;
  /**
   * A piece of the body, in order. It is lent: its memory is reused once `release` is
   * called, so the caller copies or writes it out first.
   */
  onBody: (piece: Buffer, release: () => void) => void;
}

/** An error of the connection or the answer, before the whole body arrived. */
export class BodyGetError extends Error {
  override readonly name = 'BodyGetError';
}

/**
 * Sends the GET and resolves once the whole body (Content-Length bytes) was lent to
 * `onBody`; rejects when the connection fails, is cut, goes quiet, or is aborted, or when
 * `onHead` refuses the answer. Every body byte received before a failure was lent first.
 */
export function getBody(get: BodyGet): Promise<AnswerHead> {
  return new Promise<AnswerHead>((resolve, reject) => {
    let request: Buffer;
    try {
      request = requestHead(get.url, get.headers);
    } catch (err) {
      reject(err as Error);
      return;
    }
    const host = get.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const https = get.url.protocol === 'https:';
    const port = Number(get.url.port || (https ? 443 : 80));

    let head: AnswerHead | null = null;
    let headBytes: Buffer[] = [];
    let headLength = 0;
    /** Body bytes still to come, once the head is known. */
    let remaining = -1;
    let lent = 0;
    let paused = false;
    let settled = false;

    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      get.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(head!);
    };
    const onAbort = () =>
      settle(get.signal?.reason instanceof Error ? get.signal.reason : new Error('aborted'));

    const release = (buffer: Buffer, bytes: number) => {
      lent -= bytes;
      if (pool.length < POOL_MAX) pool.push(buffer);
      if (paused && lent <= MAX_LENT / 2 && !settled) {
        paused = false;
        socket.resume();
      }
    };

    /** Lends `piece` (part of the pooled `buffer`) once; the buffer returns when released. */
    const lend = (buffer: Buffer, piece: Buffer) => {
      lent += piece.length;
      let released = false;
      get.onBody(piece, () => {
        if (released) return;
        released = true;
        release(buffer, piece.length);
      });
    };

    /**
     * Takes one read into `buffer` (the socket reads into the buffer `onread.buffer` gives
     * it next, so a buffer not lent out here goes back to the pool at once). False pauses
     * the socket: too much is lent and not yet released.
     */
    const onRead = (nread: number, buffer: Buffer): boolean => {
      let body = buffer.subarray(0, nread);
      if (head === null && !settled) body = takeHead(body);
      // Bytes past Content-Length are not part of this answer (and with `Connection:
      // close` there should be none): they are left out.
      const piece = settled ? body.subarray(0, 0) : body.subarray(0, Math.max(0, remaining));
      if (piece.length === 0) {
        if (pool.length < POOL_MAX) pool.push(buffer);
        return !settled;
      }
      remaining -= piece.length;
      lend(buffer, piece);
      if (remaining === 0) settle(null);
      if (lent > MAX_LENT && !settled) {
        paused = true;
        return false;
      }
      return !settled;
    };

    /**
     * Collects head bytes (copied: they are few); once the head is complete, parses it and
     * returns the body bytes of this read after it (none while the head is incomplete, or
     * when the answer is refused, which settles the download).
     */
    const takeHead = (data: Buffer): Buffer => {
      const none = data.subarray(0, 0);
      headBytes.push(Buffer.from(data));
      headLength += data.length;
      const all = Buffer.concat(headBytes, headLength);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        if (headLength > MAX_HEAD) {
          settle(new BodyGetError(`the answer's head exceeds ${MAX_HEAD} bytes`));
        }
        return none;
      }
      headBytes = [];
      const parsed = parseHead(all.subarray(0, end).toString('latin1'));
      if (parsed instanceof Error) {
        settle(parsed);
        return none;
      }
      const refused = get.onHead(parsed);
      if (refused) {
        settle(refused);
        return none;
      }
      const length = parsed.headers.get('content-length');
      if (
        parsed.headers.has('transfer-encoding') ||
        length === undefined ||
        !/^\d+$/.test(length)
      ) {
        settle(
          new BodyGetError(
            `HTTP ${parsed.status} without a Content-Length (transfer-encoding: ` +
              `${parsed.headers.get('transfer-encoding') ?? 'none'}): a blob answer must have one`,
          ),
        );
        return none;
      }
      head = parsed;
      remaining = Number(length);
      // The body bytes of this read are those after the head in it: the head may have
      // started in an earlier read.
      const bodyStart = end + 4 - (headLength - data.length);
      if (remaining === 0) settle(null);
      return data.subarray(bodyStart);
    };

    const onread = {
      buffer: () => pool.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER),
      callback: onRead,
    };
    // tls.connect takes `onread` as net.connect does (Node's documentation says so); its
    // type declarations lack it, hence the widened options object.
    const tlsOptions: tls.ConnectionOptions & { onread: typeof onread } = {
      ...get.tls,
      host,
      port,
      ...(net.isIP(host) ? {} : { servername: host }),
      ALPNProtocols: ['http/1.1'],
      onread,
    };
    const socket: Socket = https ? tls.connect(tlsOptions) : net.connect({ host, port, onread });
    socket.setNoDelay(true);
    socket.setTimeout(get.idleTimeoutMs, () =>
      settle(new BodyGetError(`no data for ${get.idleTimeoutMs} ms`)),
    );
    socket.once(https ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('error', (err) => settle(new BodyGetError(err.message)));
    socket.on('close', () =>
      settle(
        new BodyGetError(
          head === null
            ? 'the connection closed before an answer'
            : `the connection was cut with ${remaining} body bytes still to come`,
        ),
      ),
    );
    if (get.signal?.aborted) onAbort();
    else get.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The request's head; a header name or value that could split it is refused. */
function requestHead(url: URL, headers: Record<string, string>): Buffer {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BodyGetError(`${url.protocol} is not http: or https:`);
  }
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(value)) {
      throw new BodyGetError(`the request header ${JSON.stringify(name)} is malformed`);
    }
    lines.push(`${name}: ${value}`);
  }
  lines.push('connection: close', '', '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** Parses `HTTP/1.x NNN reason` and the header lines after it. */
export function parseHead(text: string): AnswerHead | BodyGetError {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!status) {
    return new BodyGetError(`not an HTTP/1.1 answer: ${JSON.stringify(statusLine.slice(0, 60))}`);
  }
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      return new BodyGetError(`malformed header line: ${JSON.stringify(line.slice(0, 60))}`);
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { status: Number(status[1]), headers };
}
