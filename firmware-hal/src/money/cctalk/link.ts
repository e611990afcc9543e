import { performance } from 'node:perf_hooks';
import type { SerialLine } from '../serial-line.js';
import { ADDRESS, encodeFrame, type CcTalkChecksum, type CcTalkFrame } from './frame.js';
import { CcTalkFramer, INTER_BYTE_TIMEOUT_MS } from './framer.js';
import { replyStatus, requestFrame, type CcTalkRequest, type ReplyResult } from './headers.js';

/** Request/reply timing and retry policy of a ccTalk host. */
export interface CcTalkLinkOptions {
  readonly checksum: CcTalkChecksum;
  /** Device address, 2 for a coin acceptor. */
  readonly address: number;
  /** Single-wire bus: discard the echo of our own bytes. */
  readonly echo: boolean;
  /**
   * How long to wait for a reply. A device answers within about 10 ms; the default 150 ms
   * leaves room for a loaded host without slowing the 200 ms poll much.
   */
  readonly replyTimeoutMs: number;
  /** Attempts after the first on timeout, NAK or BUSY. */
  readonly retries: number;
}

/**
 * ccTalk request/reply over a `SerialLine`: one request on the wire at a time, replies framed
 * with the 50 ms inter-byte rule, retried on timeout, NAK and BUSY.
 *
 * ccTalk has no sequence numbers, so a late reply cannot be told from the next one. After a
 * timeout the link therefore waits for the line to go quiet before retrying and drops every
 * frame that arrives while no request is waiting. A late reply that still slips into the next
 * request's slot is a true earlier snapshot of the device: for 229 the counter reconciliation
 * makes it harmless, and for other headers its length fails the reply parser, which retries.
 */
export class CcTalkLink {
  readonly #line: SerialLine;
  readonly #options: CcTalkLinkOptions;
  readonly #framer: CcTalkFramer;
  #queue: Promise<unknown> = Promise.resolve();
  #waiting: ((frame: CcTalkFrame) => void) | null = null;
  /** Frames and framing errors seen, for diagnostics and tests. */
  readonly stats = { frames: 0, ignored: 0, framingErrors: 0, timeouts: 0, retries: 0 };

  constructor(line: SerialLine, options: CcTalkLinkOptions) {
    this.#line = line;
    this.#options = options;
    this.#framer = new CcTalkFramer({ checksum: options.checksum });
    line.on('data', ({ bytes, atMs }) => this.#receive(bytes, atMs));
  }

  /** Sends a request and resolves with the device's ACK frame, or an error after retries. */
  transact(request: CcTalkRequest): Promise<ReplyResult<CcTalkFrame>> {
    const run = this.#queue.then(() => this.#attempts(request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #attempts(request: CcTalkRequest): Promise<ReplyResult<CcTalkFrame>> {
    let error = 'no attempt';
    for (let attempt = 0; attempt <= this.#options.retries; attempt += 1) {
      if (attempt > 0) this.stats.retries += 1;
      const reply = await this.#once(request);
      if (reply.ok) {
        const status = replyStatus(reply.value);
        if (status === 'ack') return reply;
        error = `device answered ${status}`;
        // BUSY: the device is working (e.g. sorting a coin); give it a moment.
        await delay(status === 'busy' ? 50 : 10);
        continue;
      }
      error = reply.error;
      if (!this.#line.isOpen) break;
      this.stats.timeouts += 1;
      // Let a late reply or a garbled tail pass, so the framer resynchronises on silence.
      await delay(INTER_BYTE_TIMEOUT_MS + 20);
    }
    return { ok: false, error };
  }

  async #once(request: CcTalkRequest): Promise<ReplyResult<CcTalkFrame>> {
    const bytes = encodeFrame(requestFrame(request, this.#options.address), this.#options.checksum);
    const reply = new Promise<ReplyResult<CcTalkFrame>>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = null;
        this.#framer.tick(performance.now());
        resolve({ ok: false, error: `no reply to header ${request.header}` });
      }, this.#options.replyTimeoutMs);
      this.#waiting = (frame) => {
        clearTimeout(timer);
        this.#waiting = null;
        resolve({ ok: true, value: frame });
      };
    });
    // The echo can come back before write() resolves: announce it first.
    if (this.#options.echo) this.#framer.expectEcho(bytes);
    const written = await this.#line.write(bytes);
    if (!written.ok) {
      this.#waiting?.(emptyFrame);
      return { ok: false, error: `write failed: ${written.error}` };
    }
    return reply;
  }

  #receive(bytes: Uint8Array, atMs: number): void {
    for (const out of this.#framer.push(bytes, atMs)) {
      if (out.kind === 'error') {
        if (out.error !== 'timeout') this.stats.framingErrors += 1;
        continue;
      }
      this.stats.frames += 1;
      // Only frames addressed to the host are replies; our own echoed request is addressed
      // to the device, so it is dropped here even when echo discard is not configured.
      if (out.frame.dest !== ADDRESS.host || this.#waiting === null) {
        this.stats.ignored += 1;
        continue;
      }
      this.#waiting(out.frame);
    }
  }
}

const emptyFrame: CcTalkFrame = { dest: 0, header: 0, data: new Uint8Array() };

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
