import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/tmp.js';
import { WAV_HEADER_BYTES, finishTrackWav, wavHeader } from './wav.js';

const tmp = useTempDir();

function pcm(frames: number): Buffer {
  const bytes = Buffer.alloc(frames * 4);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 1) & 0xff;
  return bytes;
}

async function wav(name: string, data: Buffer, header = wavHeader(data.length)): Promise<string> {
  const file = tmp.path(name);
  await writeFile(file, Buffer.concat([header, data]));
  return file;
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

describe('finishTrackWav', () => {
  it('pads to whole sectors with silence and hashes only the decoded PCM', async () => {
    const frames = 588 * 3 + 5;
    const data = pcm(frames);
    const file = await wav('a.wav', data);
    const written = await finishTrackWav(file);
    const out = await readFile(file);
    expect(written).toEqual({
      frames,
      sectors: 4,
      pcmSha256: createHash('sha256').update(data).digest('hex'),
    });
    expect(out.subarray(0, WAV_HEADER_BYTES).equals(wavHeader(4 * 2352))).toBe(true);
    expect(out.length).toBe(WAV_HEADER_BYTES + 4 * 2352);
    expect(out.subarray(WAV_HEADER_BYTES, WAV_HEADER_BYTES + data.length).equals(data)).toBe(true);
    expect(out.subarray(WAV_HEADER_BYTES + data.length).every((b) => b === 0)).toBe(true);
  });

  it('pads the same without hashing when no hash is asked for (the burn path)', async () => {
    const data = pcm(588 * 2 + 1);
    const file = await wav('nohash.wav', data);
    expect(await finishTrackWav(file, { hash: false })).toEqual({
      frames: 588 * 2 + 1,
      sectors: 3,
      pcmSha256: null,
    });
    expect((await readFile(file)).length).toBe(WAV_HEADER_BYTES + 3 * 2352);
  });

  it('hashes a file longer than its read buffer', async () => {
    const data = pcm(600_000); // 2.4 MB: three reads
    const written = await finishTrackWav(await wav('long.wav', data));
    expect(written.pcmSha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('adds nothing to a track of whole sectors', async () => {
    const file = await wav('b.wav', pcm(588 * 2));
    expect((await finishTrackWav(file)).sectors).toBe(2);
    expect((await readFile(file)).length).toBe(WAV_HEADER_BYTES + 2 * 2352);
  });

  it.each([
    [
      'a mono header',
      () => {
        const h = wavHeader(4000);
        h.writeUInt16LE(1, 22);
        return h;
      },
    ],
    [
      'a 48 kHz header',
      () => {
        const h = wavHeader(4000);
        h.writeUInt32LE(48_000, 24);
        return h;
      },
    ],
    ['a data size that is not the file', () => wavHeader(3996)],
    ['a LIST chunk before the data', () => Buffer.from('RIFF....WAVELIST')],
  ])('refuses %s rather than hash the wrong bytes', async (_what, header) => {
    const file = await wav('bad.wav', pcm(1000), header());
    await expect(finishTrackWav(file)).rejects.toThrow(
      /is not a 44\.1 kHz 16-bit stereo WAV with a 44-byte header/,
    );
  });

  it('refuses a file shorter than a header, and PCM that is not whole frames', async () => {
    await writeFile(tmp.path('tiny.wav'), 'RIFF');
    await expect(finishTrackWav(tmp.path('tiny.wav'))).rejects.toThrow(/44-byte header/);
    const odd = await wav('odd.wav', Buffer.alloc(10));
    await expect(finishTrackWav(odd)).rejects.toThrow(
      'holds 10 bytes of PCM, not a whole number of frames',
    );
  });
});
