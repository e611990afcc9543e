/**
 * SSP transport framing: `STX | SEQ/ID | LEN | DATA | CRCL CRCH`.
 *
 * - STX is 0x7F. Every 0x7F after it (in SEQ/ID, LEN, DATA or the CRC) is sent twice, so a
 *   single 0x7F followed by anything else always marks the start of a frame.
 * - SEQ/ID: bit 7 is the sequence flag (see sequence.ts), bits 0-6 the slave id (0 for a
 *   note validator on its own).
 * - LEN counts DATA bytes before stuffing (1-255); the CRC (crc.ts) covers SEQ/ID, LEN and
 *   DATA before stuffing.
 *
 * Encrypted SSP keeps this framing and puts `STEX 0x7E | encrypted block` in DATA, so the
 * encryption layer is a {@link PayloadCodec} over DATA, not a change to this file.
 */
import { esspCrc16 } from './crc.js';

export const ESSP_STX = 0x7f;
/** First DATA byte of an encrypted packet (eSSP). */
export const ESSP_STEX = 0x7e;
/** LEN is one byte. */
export const ESSP_MAX_DATA = 255;

/** One SSP packet, unstuffed, with the CRC already checked. */
export interface EsspPacket {
  /** Sequence flag, bit 7 of SEQ/ID. */
  readonly seqBit: 0 | 1;
  /** Slave id, 0-127. */
  readonly slaveId: number;
  /** Command code and parameters (host) or status and reply data (slave); 1-255 bytes. */
  readonly data: Uint8Array;
}

/**
 * Encodes a packet with its CRC and byte stuffing. Throws RangeError on a slave id outside
 * 0-127 or data outside 1-255 bytes: those are mistakes of the calling code, never line input.
 */
export function encodeFrame(packet: EsspPacket): Uint8Array {
  const { seqBit, slaveId, data } = packet;
  if (!Number.isInteger(slaveId) || slaveId < 0 || slaveId > 0x7f) {
    throw new RangeError(`SSP slave id must be 0-127, got ${slaveId}`);
  }
  if (data.length < 1 || data.length > ESSP_MAX_DATA) {
    throw new RangeError(`SSP data must be 1-${ESSP_MAX_DATA} bytes, got ${data.length}`);
  }
  const body = new Uint8Array(data.length + 4);
  body[0] = (seqBit << 7) | slaveId;
  body[1] = data.length;
  body.set(data, 2);
  const crc = esspCrc16(body.subarray(0, data.length + 2));
  body[data.length + 2] = crc & 0xff;
  body[data.length + 3] = crc >> 8;

  const out: number[] = [ESSP_STX];
  for (const byte of body) {
    out.push(byte);
    if (byte === ESSP_STX) out.push(ESSP_STX);
  }
  return Uint8Array.from(out);
}

/** What the decoder could not turn into a packet; the line is resynchronised after each. */
export type FrameError =
  /** Bytes outside any frame (line noise, or the tail of a frame whose start was lost). */
  | { readonly kind: 'stray-bytes'; readonly count: number }
  /** A complete frame whose CRC did not match: it is dropped, never delivered. */
  | { readonly kind: 'bad-crc'; readonly expected: number; readonly received: number }
  /** LEN of 0, or above the decoder's `maxDataLength`. */
  | { readonly kind: 'bad-length'; readonly length: number }
  /** A frame cut short by a new STX or by {@link EsspFrameDecoder.reset} (a timeout); `received` counts its raw bytes, STX included. */
  | { readonly kind: 'truncated'; readonly received: number };

export type DecodeItem =
  | { readonly ok: true; readonly packet: EsspPacket }
  | { readonly ok: false; readonly error: FrameError };

export interface FrameDecoderOptions {
  /**
   * Largest LEN accepted (default 255). A host that knows the longest reply it can get sets
   * it lower so a corrupted LEN byte is refused at once instead of swallowing later frames.
   */
  readonly maxDataLength?: number;
}

/**
 * Streaming decoder: feed it bytes in any chunking, get packets and errors in line order.
 * It never throws on line input. After a bad frame it rescans the bytes after that frame's
 * STX, so a real frame hidden behind noise that looked like a start is still found.
 */
export class EsspFrameDecoder {
  private readonly maxDataLength: number;
  /** Unstuffed bytes of the current frame after STX; null while hunting for STX. */
  private body: number[] | null = null;
  /** Raw (stuffed) bytes of the current frame from its STX, kept for the rescan. */
  private raw: number[] = [];
  /** A 0x7F was seen inside a frame and its meaning depends on the next byte. */
  private pendingStx = false;
  private stray = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxDataLength = Math.min(options.maxDataLength ?? ESSP_MAX_DATA, ESSP_MAX_DATA);
  }

  /** Feeds bytes; returns what they completed. */
  push(chunk: Uint8Array | readonly number[]): DecodeItem[] {
    const out: DecodeItem[] = [];
    let input: number[] = Array.from(chunk);
    let i = 0;
    while (i < input.length) {
      const byte = input[i] as number;
      i++;
      const replay = this.step(byte, out);
      if (replay !== null) {
        input = [...replay, ...input.slice(i)];
        i = 0;
      }
    }
    this.flushStray(out);
    return out;
  }

  /**
   * Drops a partial frame, e.g. when the inter-byte timeout expires. Returns the truncation
   * error if a frame was in progress.
   */
  reset(): DecodeItem[] {
    const out: DecodeItem[] = [];
    if (this.body !== null) {
      out.push({ ok: false, error: { kind: 'truncated', received: this.raw.length } });
    }
    this.hunt();
    return out;
  }

  /** Processes one byte; returns bytes to rescan when the current frame was bad. */
  private step(byte: number, out: DecodeItem[]): number[] | null {
    if (this.body === null) {
      if (byte === ESSP_STX) {
        this.flushStray(out);
        this.startFrame();
      } else {
        this.stray++;
      }
      return null;
    }
    this.raw.push(byte);
    if (this.pendingStx) {
      this.pendingStx = false;
      if (byte !== ESSP_STX) {
        // A lone 0x7F: the frame in progress was cut short and a new one has begun.
        out.push({ ok: false, error: { kind: 'truncated', received: this.raw.length - 2 } });
        this.startFrame();
        return this.step(byte, out);
      }
      return this.accept(byte, out);
    }
    if (byte === ESSP_STX) {
      this.pendingStx = true;
      return null;
    }
    return this.accept(byte, out);
  }

  /** Adds one unstuffed byte to the current frame. */
  private accept(byte: number, out: DecodeItem[]): number[] | null {
    const body = this.body as number[];
    body.push(byte);
    if (body.length === 2 && (byte === 0 || byte > this.maxDataLength)) {
      out.push({ ok: false, error: { kind: 'bad-length', length: byte } });
      return this.abandon();
    }
    const len = body[1];
    if (len === undefined || body.length < len + 4) return null;

    const expected = esspCrc16(body.slice(0, len + 2));
    const received = (body[len + 2] as number) | ((body[len + 3] as number) << 8);
    if (expected !== received) {
      out.push({ ok: false, error: { kind: 'bad-crc', expected, received } });
      return this.abandon();
    }
    const seqId = body[0] as number;
    out.push({
      ok: true,
      packet: {
        seqBit: seqId & 0x80 ? 1 : 0,
        slaveId: seqId & 0x7f,
        data: Uint8Array.from(body.slice(2, len + 2)),
      },
    });
    this.hunt();
    return null;
  }

  /** Gives up the current frame and hands back its bytes after the STX for a rescan. */
  private abandon(): number[] {
    const replay = this.raw.slice(1);
    this.hunt();
    return replay;
  }

  private startFrame(): void {
    this.body = [];
    this.raw = [ESSP_STX];
    this.pendingStx = false;
  }

  private hunt(): void {
    this.body = null;
    this.raw = [];
    this.pendingStx = false;
  }

  private flushStray(out: DecodeItem[]): void {
    if (this.stray > 0) {
      out.push({ ok: false, error: { kind: 'stray-bytes', count: this.stray } });
      this.stray = 0;
    }
  }
}

/**
 * The seam for encrypted SSP. Plain SSP uses {@link plainPayload}; an eSSP codec (after the
 * Diffie-Hellman key exchange) wraps a command's DATA into `STEX | AES-128 block` and unwraps
 * replies, keeping its own encryption counter. Frames, CRC and sequence bit stay as they are.
 */
export interface PayloadCodec {
  /** DATA to put in the frame for this plain command. */
  wrap(plain: Uint8Array): Uint8Array;
  /** Plain reply from a frame's DATA, or an error (bad key, counter, padding). */
  unwrap(data: Uint8Array): { ok: true; value: Uint8Array } | { ok: false; error: string };
}

/** Unencrypted SSP: DATA is the command or reply itself; an STEX packet is refused. */
export const plainPayload: PayloadCodec = {
  wrap: (plain) => plain,
  unwrap: (data) =>
    data[0] === ESSP_STEX && data.length > 1
      ? { ok: false, error: 'encrypted (STEX) packet but no key has been negotiated' }
      : { ok: true, value: data },
};
