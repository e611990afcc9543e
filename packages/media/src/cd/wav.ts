import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { RED_BOOK, sectorsForFrames } from '@jukebox/protocol';

/** Bytes of one stereo 16-bit frame. */
export const FRAME_BYTES = RED_BOOK.channels * RED_BOOK.bytesPerSample;
/** The canonical 44-byte header: RIFF, a 16-byte `fmt ` chunk, then `data`. */
export const WAV_HEADER_BYTES = 44;

// Chunks are gathered up to this size before a write: one writev per MiB instead of one
// write per 64 KiB pipe read keeps the system calls out of the decode's way.
const WRITE_BATCH_BYTES = 1 << 20;

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
  /** SHA-256 (hex) of the PCM as decoded, before padding. */
  pcmSha256: string;
}

/**
 * Writes s16le stereo PCM from `pcm` to a new WAV file (`wx`: never over another file),
 * padded with silence to whole sectors, so cdrdao sees exact sector boundaries and never
 * pads on its own. The PCM is hashed as it passes, and `onFrames` hears the running frame
 * count, so a caller can stop a disc that has grown too long without waiting for the end.
 * The header is written last, once the length is known. The file is not fsynced here: the
 * caller does that while the next track decodes (see assembleCdImage).
 */
export async function writeTrackWav(
  pcm: Readable,
  file: string,
  onFrames?: (frames: number) => void,
): Promise<WrittenTrack> {
  const fh = await open(file, 'wx');
  try {
    const hash = createHash('sha256');
    let pcmBytes = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let position = WAV_HEADER_BYTES;
    const flush = async () => {
      if (batchBytes === 0) return;
      const chunks = batch;
      const at = position;
      position += batchBytes;
      batch = [];
      batchBytes = 0;
      const { bytesWritten } = await fh.writev(chunks, at);
      if (bytesWritten !== position - at) {
        throw new Error(`short write to ${file}: ${bytesWritten} of ${position - at} bytes`);
      }
    };
    for await (const chunk of pcm as AsyncIterable<Buffer>) {
      hash.update(chunk);
      pcmBytes += chunk.length;
      batch.push(chunk);
      batchBytes += chunk.length;
      onFrames?.(Math.floor(pcmBytes / FRAME_BYTES));
      if (batchBytes >= WRITE_BATCH_BYTES) await flush();
    }
    if (pcmBytes % FRAME_BYTES !== 0) {
      throw new Error(`the decoder wrote ${pcmBytes} bytes, not a whole number of frames`);
    }
    const frames = pcmBytes / FRAME_BYTES;
    const sectors = sectorsForFrames(frames);
    const padBytes = (sectors * RED_BOOK.framesPerSector - frames) * FRAME_BYTES;
    if (padBytes > 0) {
      batch.push(Buffer.alloc(padBytes));
      batchBytes += padBytes;
    }
    await flush();
    await fh.write(wavHeader(pcmBytes + padBytes), 0, WAV_HEADER_BYTES, 0);
    return { frames, sectors, pcmSha256: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}
