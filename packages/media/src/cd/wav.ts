import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { RED_BOOK, sectorsForFrames } from '@jukebox/protocol';

/** Bytes of one stereo 16-bit frame. */
export const FRAME_BYTES = RED_BOOK.channels * RED_BOOK.bytesPerSample;
/** The canonical 44-byte header: RIFF, a 16-byte `fmt ` chunk, then `data`. */
export const WAV_HEADER_BYTES = 44;

// Reads of the decoded file go through one buffer of this size: few system calls, no garbage.
const READ_BYTES = 1 << 20;

/** A WAV header for `dataBytes` of Red Book PCM (44.1 kHz, 16-bit, stereo). */
export function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(RED_BOOK.channels, 22);
  h.writeUInt32LE(RED_BOOK.sampleRate, 24);
  h.writeUInt32LE(RED_BOOK.sampleRate * FRAME_BYTES, 28);
  h.writeUInt16LE(FRAME_BYTES, 32);
  h.writeUInt16LE(RED_BOOK.bytesPerSample * 8, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export interface WrittenTrack {
  /** Stereo frames of the PCM as decoded, before padding. */
  frames: number;
  /** Sectors of the file once padded. */
  sectors: number;
  /** SHA-256 (hex) of the PCM as decoded, before padding; null when not asked for. */
  pcmSha256: string | null;
}

/**
 * Turns a WAV that ffmpeg wrote (Red Book PCM, canonical 44-byte header: see cdDecodeArgs)
 * into a track of the image: hashes its PCM, pads it with silence to whole sectors, so cdrdao
 * sees exact sector boundaries and never pads on its own, and rewrites the header's sizes.
 * Refuses a file whose header is anything else, rather than hashing the wrong bytes. The
 * file is not fsynced here: the caller does that while the next track decodes.
 */
export async function finishTrackWav(
  file: string,
  opts: { hash?: boolean } = {},
): Promise<WrittenTrack> {
  const hashing = opts.hash ?? true;
  const fh = await open(file, 'r+');
  try {
    const size = (await fh.stat()).size;
    const header = Buffer.alloc(WAV_HEADER_BYTES);
    await fh.read(header, 0, WAV_HEADER_BYTES, 0);
    const dataBytes = size - WAV_HEADER_BYTES;
    if (dataBytes < 0 || !header.equals(wavHeader(dataBytes))) {
      throw new Error(
        `${file} is not a 44.1 kHz 16-bit stereo WAV with a 44-byte header and ${dataBytes} bytes of PCM`,
      );
    }
    if (dataBytes % FRAME_BYTES !== 0) {
      throw new Error(`${file} holds ${dataBytes} bytes of PCM, not a whole number of frames`);
    }

    const hash = hashing ? createHash('sha256') : null;
    const buf = Buffer.allocUnsafe(hashing ? READ_BYTES : 0);
    for (let at = WAV_HEADER_BYTES; hash !== null && at < size;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ_BYTES, size - at), at);
      if (bytesRead === 0) throw new Error(`${file} shrank while it was read`);
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }

    const frames = dataBytes / FRAME_BYTES;
    const sectors = sectorsForFrames(frames);
    const padBytes = (sectors * RED_BOOK.framesPerSector - frames) * FRAME_BYTES;
    if (padBytes > 0) await fh.write(Buffer.alloc(padBytes), 0, padBytes, size);
    await fh.write(wavHeader(dataBytes + padBytes), 0, WAV_HEADER_BYTES, 0);
    return { frames, sectors, pcmSha256: hash?.digest('hex') ?? null };
  } finally {
    await fh.close();
  }
}
