/**
 * Master volume: a 0..100 knob mapped onto a dB-linear curve and applied in-process to the
 * s16le samples just before they go to the sink, so a change is heard with the next chunk
 * rather than at the next track (the decoder only applies per-track gain and the limiter).
 */

/** Attenuation at volume 1; volume 0 is silence. 50 dB keeps the low end of the knob usable. */
export const VOLUME_RANGE_DB = 50;

/** Clamps and rounds a requested volume into the 0..100 integer range. */
export function clampVolume(volume: number): number {
  if (!Number.isFinite(volume)) return 0;
  return Math.min(100, Math.max(0, Math.round(volume)));
}

/**
 * Linear amplitude factor for a knob position: 100 -> 1 (bit-exact passthrough), each step
 * down removes VOLUME_RANGE_DB / 99 dB, 0 -> 0. Equal steps sound like equal changes because
 * loudness perception is roughly logarithmic in amplitude.
 */
export function volumeToGain(volume: number): number {
  const v = clampVolume(volume);
  if (v === 0) return 0;
  if (v === 100) return 1;
  const db = -((100 - v) * VOLUME_RANGE_DB) / 99;
  return 10 ** (db / 20);
}

/**
 * Scales interleaved s16le samples by `gain`, rounding and clamping to the 16-bit range.
 * Returns `pcm` itself when gain is exactly 1, so full volume stays bit-exact; otherwise a new
 * buffer (the input may be a view into a stream's internal buffer).
 */
export function applyGain(pcm: Buffer, gain: number): Buffer {
  if (gain === 1) return pcm;
  const out = Buffer.allocUnsafe(pcm.length - (pcm.length % 2));
  if (gain === 0) return out.fill(0);
  for (let at = 0; at < out.length; at += 2) {
    const scaled = Math.round(pcm.readInt16LE(at) * gain);
    out.writeInt16LE(scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled, at);
  }
  return out;
}
