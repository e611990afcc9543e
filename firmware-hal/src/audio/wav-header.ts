import { SINK_BYTES_PER_FRAME, SINK_CHANNELS, SINK_SAMPLE_RATE } from './types.js';

export const WAV_HEADER_BYTES = 44;
/** RIFF sizes are 32-bit: past ~6.7 hours of sink PCM the header saturates. */
const MAX_RIFF = 0xffff_ffff;

/** The canonical 44-byte PCM WAV header for sink PCM with `dataBytes` of data. */
export function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(Math.min(MAX_RIFF, 36 + dataBytes), 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(SINK_CHANNELS, 22);
  h.writeUInt32LE(SINK_SAMPLE_RATE, 24);
  h.writeUInt32LE(SINK_SAMPLE_RATE * SINK_BYTES_PER_FRAME, 28);
  h.writeUInt16LE(SINK_BYTES_PER_FRAME, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(Math.min(MAX_RIFF - 36, dataBytes), 40);
  return h;
}

/** The two size fields a growing file needs patched: [offset, value] pairs. */
export function wavSizePatches(dataBytes: number): [number, Buffer][] {
  const riff = Buffer.alloc(4);
  riff.writeUInt32LE(Math.min(MAX_RIFF, 36 + dataBytes));
  const data = Buffer.alloc(4);
  data.writeUInt32LE(Math.min(MAX_RIFF - 36, dataBytes));
  return [
    [4, riff],
    [40, data],
  ];
}
