/**
 * Host side of the SSP exchange over one serial line: one command at a time, each framed with
 * the sequence bit, and retried WITH THE SAME BIT when no valid reply came in time. The slave
 * answers such a retry with its last reply instead of acting again, so a retried POLL or
 * REJECT never accepts or returns a note twice.
 */
import type { SerialLine } from '../serial-line.js';
import { parseReply, type EsspReply } from './commands.js';
import { EsspFrameDecoder, encodeFrame } from './frame.js';
import { initialHostSeq, nextSeq, replyMatches, type HostSeqState } from './sequence.js';

export interface EsspLinkOptions {
  readonly slaveId: number;
  /** How long to wait for a reply before retrying. ITL units answer within a few ms. */
  readonly replyTimeoutMs: number;
  /** Retransmissions after the first attempt. */
  readonly retries: number;
  /** Log line for dropped frames and stale replies. */
  readonly log: (line: string) => void;
}

/** Outcome of one command: the parsed reply, or why there was none. */
export type EsspExchange =
  | { readonly ok: true; readonly reply: EsspReply; readonly attempts: number }
  | { readonly ok: false; readonly error: string };

interface Pending {
  readonly resolve: (data: Uint8Array | null) => void;
}

/** Serialised command/reply exchanges on a line. */
export class EsspLink {
  private seq: HostSeqState = initialHostSeq;
  private readonly decoder: EsspFrameDecoder;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly line: SerialLine,
    private readonly options: EsspLinkOptions,
  ) {
    this.decoder = new EsspFrameDecoder();
    line.on('data', ({ bytes }) => this.onBytes(bytes));
    // A pending command cannot be answered by a port that is gone: fail it now.
    line.on('disconnected', () => this.settle(null));
  }

  /**
   * Sends a command and waits for its reply. `sync` marks SYNC, which is always sent with the
   * bit set and restarts the sequence; every other command takes the next bit.
   */
  send(data: Uint8Array, kind: 'new' | 'sync' = 'new'): Promise<EsspExchange> {
    const run = this.queue.then(() => this.exchange(data, kind));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async exchange(data: Uint8Array, kind: 'new' | 'sync'): Promise<EsspExchange> {
    const first = nextSeq(this.seq, kind);
    this.seq = first.state;
    const frame = encodeFrame({ seqBit: first.bit, slaveId: this.options.slaveId, data });
    for (let attempt = 1; attempt <= this.options.retries + 1; attempt++) {
      // Bytes left over from an earlier, abandoned reply must not merge with this one.
      this.decoder.reset();
      const reply = new Promise<Uint8Array | null>((resolve) => (this.pending = { resolve }));
      const timer = setTimeout(() => this.settle(null), this.options.replyTimeoutMs);
      const written = await this.line.write(frame);
      if (!written.ok) {
        clearTimeout(timer);
        this.settle(null);
        return { ok: false, error: `write failed: ${written.error}` };
      }
      const got = await reply;
      clearTimeout(timer);
      if (got !== null) return { ok: true, reply: parseReply(got), attempts: attempt };
      if (!this.line.isOpen) return { ok: false, error: 'line disconnected' };
      this.options.log(`essp: no reply to 0x${hex(data[0])} (attempt ${attempt}), retrying`);
    }
    return {
      ok: false,
      error: `no reply to 0x${hex(data[0])} after ${this.options.retries + 1} attempts`,
    };
  }

  private onBytes(bytes: Uint8Array): void {
    for (const item of this.decoder.push(bytes)) {
      if (!item.ok) {
        this.options.log(`essp: dropped ${item.error.kind} on the line`);
        continue;
      }
      const { packet } = item;
      if (packet.slaveId !== this.options.slaveId || this.pending === null) continue;
      // A reply carrying the other bit answers an earlier command (a late duplicate): drop it.
      if (!replyMatches(this.seq, packet.seqBit)) {
        this.options.log('essp: dropped a stale reply (sequence bit of an earlier command)');
        continue;
      }
      this.settle(packet.data);
    }
  }

  private settle(data: Uint8Array | null): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(data);
  }
}

const hex = (n: number | undefined): string => (n ?? 0).toString(16).padStart(2, '0');
