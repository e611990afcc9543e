import { execFileSync } from 'node:child_process';

/** Tags written with ffmpeg `-metadata` (ID3v2 for MP3, Vorbis comments for FLAC). */
export type Tags = Record<string, string | number>;

/**
 * Writes a short sine-tone audio file with real ffmpeg, for tests. The format follows the
 * extension; `cover` embeds a small JPEG as attached picture (MP3 only).
 */
export function makeAudio(
  file: string,
  options: { tags?: Tags; seconds?: number; cover?: string; frequency?: number } = {},
): void {
  const seconds = options.seconds ?? 1;
  const args = ['-loglevel', 'error', '-y', '-f', 'lavfi'];
  args.push('-i', `sine=frequency=${options.frequency ?? 440}:duration=${seconds}`);
  if (options.cover) {
    args.push('-f', 'lavfi', '-i', `color=c=${options.cover}:s=16x16:d=1`);
    args.push('-map', '0:a', '-map', '1:v', '-frames:v', '1', '-c:v', 'mjpeg');
    args.push('-disposition:v', 'attached_pic');
  }
  // Without this, ffmpeg copies nothing but still writes an encoder tag; that is fine.
  args.push('-map_metadata', '-1');
  for (const [k, v] of Object.entries(options.tags ?? {})) args.push('-metadata', `${k}=${v}`);
  if (file.endsWith('.mp3')) args.push('-id3v2_version', '3', '-c:a', 'libmp3lame', '-b:a', '48k');
  args.push(file);
  execFileSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A small JPEG image file (for cover.jpg beside an album). */
export function makeJpeg(file: string, color = 'blue'): void {
  execFileSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `color=c=${color}:s=16x16:d=1`,
      '-frames:v',
      '1',
      file,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
