import { describe, expect, it } from 'vitest';
import { sniff } from './sniff.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

describe('sniff', () => {
  it.each([
    ['ID3 tag', bytes('ID3', [4, 0, 0, 0, 0, 0, 0])],
    ['MPEG frame sync', bytes([0xff, 0xfb, 0x90, 0x64])],
    ['ADTS AAC', bytes([0xff, 0xf1, 0x50, 0x80])],
    ['FLAC', bytes('fLaC', [0, 0, 0, 34])],
    ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['RF64 WAV', bytes('RF64', [0xff, 0xff, 0xff, 0xff], 'WAVEds64')],
    ['Ogg', bytes('OggS', [0, 2])],
    ['MP4', bytes([0, 0, 0, 0x20], 'ftypM4A ')],
    ['AIFF', bytes('FORM', [0, 0, 0, 0], 'AIFF')],
    ['Matroska', bytes([0x1a, 0x45, 0xdf, 0xa3])],
  ])('accepts %s', (_name, data) => {
    expect(sniff(data).kind).toBe('audio');
  });

  it.each([
    ['PNG', bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]), 'PNG'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'JPEG'],
    ['GIF', bytes('GIF89a'), 'GIF'],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'WebP'],
  ])('recognises a %s image', (_name, data, format) => {
    expect(sniff(data)).toEqual({ kind: 'image', format });
  });

  it.each([
    ['empty', bytes()],
    ['HLS playlist', bytes('#EXTM3U\n#EXTINF:1,\n')],
    ['concat script', bytes('ffconcat version 1.0\nfile /etc/passwd\n')],
    ['text', bytes('hello, world')],
    ['RIFF that is neither', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
    ['too short for its signature', bytes('fLa')],
  ])('refuses %s', (_name, data) => {
    expect(sniff(data)).toEqual({ kind: 'unknown' });
  });
});
