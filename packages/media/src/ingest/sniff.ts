import { open } from 'node:fs/promises';

/** What the first bytes of an upload say it is. */
export type Sniffed =
  { kind: 'audio'; format: string } | { kind: 'image'; format: string } | { kind: 'unknown' };

/** Bytes read from the start of a file; enough for every signature below. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  text.split('').every((c, i) => bytes[at + i] === c.charCodeAt(0));

/**
 * Recognises the containers ingest accepts from their signatures, before any ffmpeg tool
 * sees the file.
 *
 * Why: ffmpeg guesses formats from content, and some of its "formats" are instructions. An
 * HLS playlist, a concat script or an image2 pattern uploaded as "song.mp3" makes ffprobe
 * open the files or URLs named inside it: a server-side request forgery and local file read
 * (the well-known ffmpeg upload attacks). Accepting only files that start like an audio
 * container keeps ffmpeg's demuxer choice to those. Images are recognised to say so.
 */
export function sniff(bytes: Uint8Array): Sniffed {
  const b = bytes;
  const audio = (format: string): Sniffed => ({ kind: 'audio', format });
  const image = (format: string): Sniffed => ({ kind: 'image', format });
  if (ascii(b, 0, 'ID3')) return audio('mp3 (ID3-tagged)');
  // MPEG audio frame sync (11 set bits): MP3, MP2, and AAC in ADTS.
  if (b[0] === 0xff && b[1] !== undefined && (b[1] & 0xe0) === 0xe0) return audio('mpeg');
  if (ascii(b, 0, 'fLaC')) return audio('flac');
  if ((ascii(b, 0, 'RIFF') || ascii(b, 0, 'RF64')) && ascii(b, 8, 'WAVE')) return audio('wav');
  if (ascii(b, 0, 'OggS')) return audio('ogg');
  if (ascii(b, 4, 'ftyp')) return audio('mp4');
  if (ascii(b, 0, 'FORM') && (ascii(b, 8, 'AIFF') || ascii(b, 8, 'AIFC'))) return audio('aiff');
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return audio('matroska');
  if (ascii(b, 0, 'wvpk')) return audio('wavpack');
  if (ascii(b, 0, 'caff')) return audio('caf');

  if (b[0] === 0x89 && ascii(b, 1, 'PNG')) return image('PNG');
  if (b[0] === 0xff && b[1] === 0xd8) return image('JPEG');
  if (ascii(b, 0, 'GIF8')) return image('GIF');
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return image('WebP');
  if (ascii(b, 0, 'BM')) return image('BMP');
  return { kind: 'unknown' };
}

/** Human list of what is accepted, for error messages. */
export const ACCEPTED_AUDIO =
  'MP3, AAC (ADTS or MP4/M4A), FLAC, WAV, Ogg (Vorbis/Opus/FLAC), AIFF, Matroska/WebM, WavPack, CAF';

/** Sniffs the start of a file. */
export async function sniffFile(path: string): Promise<Sniffed> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return sniff(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
