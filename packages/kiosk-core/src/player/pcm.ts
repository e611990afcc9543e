import { SINK_BYTES_PER_FRAME, SINK_SAMPLE_RATE } from '@jukebox/firmware-hal/audio';

export { SINK_BYTES_PER_FRAME };

/**
 * Largest write handed to the sink, in frames (~93 ms). Volume is applied per write and a
 * skip is noticed between writes, so this bounds how late either takes effect.
 */
export const MAX_WRITE_FRAMES = 4096;

/** Milliseconds of audio in `frames` sample frames at the sink rate. */
export function framesToMs(frames: number): number {
  return Math.floor((frames * 1000) / SINK_SAMPLE_RATE);
}

/**
 * Re-cuts a byte stream into whole sample frames of at most MAX_WRITE_FRAMES each. Pipe reads
 * end wherever the kernel pleases, but a sink only takes whole frames, so a partial frame is
 * carried into the next read instead of being written (which would swap the channels or the
 * byte order of every later sample).
 */
export class FrameCutter {
  private carry: Buffer = Buffer.alloc(0);

  /** Whole-frame slices of `carry + chunk`, in order; the remainder is kept for next time. */
  push(chunk: Buffer): Buffer[] {
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const whole = data.length - (data.length % SINK_BYTES_PER_FRAME);
    this.carry = Buffer.from(data.subarray(whole));
    const maxBytes = MAX_WRITE_FRAMES * SINK_BYTES_PER_FRAME;
    const out: Buffer[] = [];
    for (let at = 0; at < whole; at += maxBytes) {
      out.push(data.subarray(at, Math.min(whole, at + maxBytes)));
    }
    return out;
  }

  /** Bytes of an incomplete frame still held (dropped if the decoder ends mid-frame). */
  get pendingBytes(): number {
    return this.carry.length;
  }
}
