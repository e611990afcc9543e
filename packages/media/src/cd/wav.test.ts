import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/tmp.js';
import { WAV_HEADER_BYTES, wavHeader, writeTrackWav } from './wav.js';

const tmp = useTempDir();

function pcm(frames: number, chunk = 1000): Readable {
  const bytes = Buffer.alloc(frames * 4);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 1) & 0xff;
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) parts.push(bytes.subarray(at, at + chunk));
  return Readable.from(parts);
}

describe('wavHeader', () => {
  it('is the canonical 44-byte PCM header of 44.1 kHz, 16-bit stereo', () => {
    const h = wavHeader(2352);
    expect(h.length).toBe(WAV_HEADER_BYTES);
    expect(h.toString('ascii', 0, 4) + h.toString('ascii', 8, 16)).toBe('RIFFWAVEfmt ');
    expect(h.readUInt32LE(4)).toBe(36 + 2352);
    expect([h.readUInt16LE(20), h.readUInt16LE(22), h.readUInt32LE(24)]).toEqual([1, 2, 44_100]);
    expect([h.readUInt32LE(28), h.readUInt16LE(32), h.readUInt16LE(34)]).toEqual([176_400, 4, 16]);
    expect(h.toString('ascii', 36, 40)).toBe('data');
    expect(h.readUInt32LE(40)).toBe(2352);
  });
});

describe('writeTrackWav', () => {
  it('pads to whole sectors with silence and hashes only the PCM it was given', async () => {
    const frames = 588 * 3 + 5;
    const source = pcm(frames, 999); // chunks that split frames
    const seen: number[] = [];
    const written = await writeTrackWav(source, tmp.path('a.wav'), (f) => seen.push(f));
    const file = await readFile(tmp.path('a.wav'));
    const data = file.subarray(WAV_HEADER_BYTES);
    expect(written.frames).toBe(frames);
    expect(written.sectors).toBe(4);
    expect(data.length).toBe(4 * 2352);
    expect(file.readUInt32LE(40)).toBe(4 * 2352);
    const expected = Buffer.concat(await pcm(frames).toArray());
    expect(data.subarray(0, frames * 4).equals(expected)).toBe(true);
    expect(data.subarray(frames * 4).every((b) => b === 0)).toBe(true);
    expect(written.pcmSha256).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(seen.at(-1)).toBe(frames);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
  });

  it('adds nothing to a track of whole sectors', async () => {
    const written = await writeTrackWav(pcm(588 * 2), tmp.path('b.wav'));
    expect(written.sectors).toBe(2);
    expect((await readFile(tmp.path('b.wav'))).length).toBe(WAV_HEADER_BYTES + 2 * 2352);
  });

  it('refuses output that is not whole frames', async () => {
    const odd = Readable.from([Buffer.alloc(10)]);
    await expect(writeTrackWav(odd, tmp.path('c.wav'))).rejects.toThrow(
      'the decoder wrote 10 bytes, not a whole number of frames',
    );
  });

  it('never writes over an existing file', async () => {
    await writeFile(tmp.path('d.wav'), 'keep me');
    await expect(writeTrackWav(pcm(588), tmp.path('d.wav'))).rejects.toThrow(/EEXIST/);
    expect(await readFile(tmp.path('d.wav'), 'utf8')).toBe('keep me');
  });
});
