import {
  decodeFrame,
  MIN_FRAME_BYTES,
  type CcTalkChecksum,
  type CcTalkFrame,
  type FrameError,
} from './frame.js';

/**
 * ccTalk's inter-byte timeout: a receiver drops a partial frame when no byte came for 50 ms.
 * It is also how both ends resynchronise, since the format has no start marker.
 */
export const INTER_BYTE_TIMEOUT_MS = 50;

/** What the framer found in the byte stream. */
export type FramerOutput =
  | { readonly kind: 'frame'; readonly frame: CcTalkFrame; readonly raw: Uint8Array }
  | {
      readonly kind: 'error';
      readonly error: FrameError | 'timeout' | 'echo-mismatch';
      /** The bytes that were thrown away. */
      readonly bytes: Uint8Array;
    };

export interface CcTalkFramerOptions {
  readonly checksum: CcTalkChecksum;
  /** Defaults to `INTER_BYTE_TIMEOUT_MS`. */
  readonly interByteTimeoutMs?: number;
}

/**
 * Turns a byte stream into frames. Bytes arrive in arbitrary chunks with the time they were
 * read (injected, so tests need no timers); `push` never throws on any input.
 *
 * Resynchronisation: after a bad checksum the framer cannot know where the next frame starts
 * (a length byte read from noise is meaningless), so it discards input until the line has
 * been quiet for the inter-byte timeout. That is the ccTalk rule as well: the host re-sends
 * after a gap, and a sliding search through noise would only raise the odds of accepting a
 * random frame whose simple checksum happens to be 0.
 */
export class CcTalkFramer {
  readonly #checksum: CcTalkChecksum;
  readonly #timeoutMs: number;
  #buffer: number[] = [];
  #echo: number[] = [];
  #discarding: number[] | null = null;
  #lastByteAt: number | null = null;

  constructor(options: CcTalkFramerOptions) {
    this.#checksum = options.checksum;
    this.#timeoutMs = options.interByteTimeoutMs ?? INTER_BYTE_TIMEOUT_MS;
  }

  /**
   * Announces bytes the host just wrote on a single-wire bus: they come back as an echo and
   * are skipped. Call it after each write when the line echoes. If different bytes arrive
   * first, an `echo-mismatch` is reported and the bytes are framed normally.
   */
  expectEcho(sent: Uint8Array): void {
    this.#echo.push(...sent);
  }

  /** Feeds bytes read at `nowMs` (a monotonic clock) and returns what they completed. */
  push(chunk: Uint8Array, nowMs: number): FramerOutput[] {
    const out: FramerOutput[] = [];
    this.#expire(nowMs, out);
    if (chunk.length > 0) this.#lastByteAt = nowMs;
    for (const byte of chunk) this.#take(byte, out);
    return out;
  }

  /**
   * Tells the framer time has passed without bytes (call it from the driver's timer). Returns
   * the partial frame dropped by the inter-byte timeout, if any.
   */
  tick(nowMs: number): FramerOutput[] {
    const out: FramerOutput[] = [];
    this.#expire(nowMs, out);
    return out;
  }

  /** Bytes held for a frame not yet complete (for diagnostics). */
  get pending(): number {
    return this.#buffer.length;
  }

  #expire(nowMs: number, out: FramerOutput[]): void {
    if (this.#lastByteAt === null || nowMs - this.#lastByteAt <= this.#timeoutMs) return;
    this.#lastByteAt = null;
    // An echo never seen within the timeout is not coming (a pty, or a line without echo).
    this.#echo = [];
    if (this.#discarding !== null) {
      // The discarded bytes were reported when discarding began; the gap ends it quietly.
      this.#discarding = null;
    }
    if (this.#buffer.length > 0) {
      out.push({ kind: 'error', error: 'timeout', bytes: Uint8Array.from(this.#buffer) });
      this.#buffer = [];
    }
  }

  #take(byte: number, out: FramerOutput[]): void {
    if (this.#discarding !== null) {
      this.#discarding.push(byte);
      return;
    }
    if (this.#echo.length > 0 && this.#buffer.length === 0) {
      if (this.#echo[0] === byte) {
        this.#echo.shift();
        return;
      }
      // Whatever part of the echo was seen, the rest will not come: frame from here on.
      out.push({ kind: 'error', error: 'echo-mismatch', bytes: Uint8Array.from(this.#echo) });
      this.#echo = [];
    }
    this.#buffer.push(byte);
    if (this.#buffer.length < 2) return;
    const expected = MIN_FRAME_BYTES + (this.#buffer[1] ?? 0);
    if (this.#buffer.length < expected) return;
    const raw = Uint8Array.from(this.#buffer);
    this.#buffer = [];
    const decoded = decodeFrame(raw, this.#checksum);
    if (decoded.ok) {
      out.push({ kind: 'frame', frame: decoded.frame, raw });
    } else {
      out.push({ kind: 'error', error: decoded.error, bytes: raw });
      this.#discarding = [];
    }
  }
}
