/**
 * ccTalk frames: `[dest][len][src][header][data x len][checksum]`, 5 to 260 bytes.
 *
 * Two checksum modes exist on the same wire format:
 * - `simple`: the sum of every byte of the frame is 0 mod 256.
 * - `crc16`: CRC-16/CCITT (poly 0x1021, init 0, no reflection, i.e. CRC-16/XMODEM) over dest,
 *   len, header and data; its low byte takes the src slot and its high byte the checksum slot.
 *   A CRC device therefore carries no source address on the wire.
 */

export type CcTalkChecksum = 'simple' | 'crc16';

/** A decoded frame. `src` is undefined for CRC-16 frames, whose src slot holds the CRC. */
export interface CcTalkFrame {
  readonly dest: number;
  readonly src?: number;
  readonly header: number;
  readonly data: Uint8Array;
}

/** Smallest frame: no data bytes. */
export const MIN_FRAME_BYTES = 5;
/** Largest frame: 255 data bytes. */
export const MAX_FRAME_BYTES = 260;

/** Well-known addresses. */
export const ADDRESS = { broadcast: 0, host: 1, coinAcceptor: 2 } as const;

/** CRC-16/CCITT, poly 0x1021, init 0 (the XMODEM variant; check value 0x31C3). */
export function crc16Ccitt(bytes: Iterable<number>, init = 0): number {
  let crc = init & 0xffff;
  for (const byte of bytes) {
    crc ^= (byte & 0xff) << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

function sum(bytes: Uint8Array): number {
  let total = 0;
  for (const byte of bytes) total += byte;
  return total & 0xff;
}

function crcOver(frame: Uint8Array): number {
  const len = frame[1] ?? 0;
  return crc16Ccitt([frame[0] ?? 0, len, ...frame.subarray(3, 4 + len)]);
}

function assertByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new RangeError(`ccTalk ${name} must be a byte, got ${value}`);
  }
}

/**
 * Encodes a frame. Throws RangeError on a programming error (a field that is not a byte, more
 * than 255 data bytes, a simple-checksum frame without `src`): these come from our own code,
 * never from the wire.
 */
export function encodeFrame(frame: CcTalkFrame, checksum: CcTalkChecksum): Uint8Array {
  assertByte('dest', frame.dest);
  assertByte('header', frame.header);
  if (frame.data.length > 255) {
    throw new RangeError(`ccTalk data is at most 255 bytes, got ${frame.data.length}`);
  }
  const out = new Uint8Array(MIN_FRAME_BYTES + frame.data.length);
  out[0] = frame.dest;
  out[1] = frame.data.length;
  out[3] = frame.header;
  out.set(frame.data, 4);
  const last = out.length - 1;
  if (checksum === 'simple') {
    if (frame.src === undefined) throw new RangeError('ccTalk simple-checksum frames need src');
    assertByte('src', frame.src);
    out[2] = frame.src;
    out[last] = (256 - sum(out.subarray(0, last))) & 0xff;
  } else {
    const crc = crcOver(out);
    out[2] = crc & 0xff;
    out[last] = crc >> 8;
  }
  return out;
}

/** Why bytes did not make a frame. */
export type FrameError = 'too-short' | 'length-mismatch' | 'bad-checksum';

export type DecodeResult =
  | { readonly ok: true; readonly frame: CcTalkFrame }
  | { readonly ok: false; readonly error: FrameError };

/** True when `bytes` is exactly one frame whose checksum is right. */
export function checksumValid(bytes: Uint8Array, checksum: CcTalkChecksum): boolean {
  const last = bytes.length - 1;
  if (checksum === 'simple') return sum(bytes) === 0;
  const crc = crcOver(bytes);
  return bytes[2] === (crc & 0xff) && bytes[last] === crc >> 8;
}

/** Decodes exactly one whole frame. Never throws. */
export function decodeFrame(bytes: Uint8Array, checksum: CcTalkChecksum): DecodeResult {
  if (bytes.length < MIN_FRAME_BYTES) return { ok: false, error: 'too-short' };
  const len = bytes[1] ?? 0;
  if (bytes.length !== MIN_FRAME_BYTES + len) return { ok: false, error: 'length-mismatch' };
  if (!checksumValid(bytes, checksum)) return { ok: false, error: 'bad-checksum' };
  const data = bytes.slice(4, 4 + len);
  const dest = bytes[0] ?? 0;
  const header = bytes[3] ?? 0;
  const frame: CcTalkFrame =
    checksum === 'simple' ? { dest, src: bytes[2] ?? 0, header, data } : { dest, header, data };
  return { ok: true, frame };
}
