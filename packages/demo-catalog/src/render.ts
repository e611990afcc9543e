import { execFile } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runFfmpeg, type MediaTools } from '@jukebox/media';
import { EXPLICIT_METADATA_KEY } from './explicit.js';
import { mixGraph, SAMPLE_RATE } from './expression.js';
import type { PlannedTrack } from './plan.js';
import { writeScore } from './score.js';

const execFileAsync = promisify(execFile);

/** MP3 bitrate (CBR; 192 is a standard MPEG-1 Layer III rate, 176 is not). */
export const MP3_BITRATE = '192k';

/** Peak ceiling after gain (-1 dBFS), so loud targets don't clip in the encoder. */
const LIMIT = 0.891;

export interface RenderOptions {
  tools?: MediaTools;
  signal?: AbortSignal;
  /** espeak-ng executable to speak "<title> by <artist>" over the intro, or null for none. */
  espeak: string | null;
}

/**
 * Synthesizes one track and writes it as a tagged MP3 at `target` (via a temporary name and
 * a rename, so a crash never leaves a half file under the real name).
 *
 * Two ffmpeg passes: the first synthesizes to float WAV while ebur128 measures it; the second
 * applies the gain that lands the track on its planned loudness, limits peaks, encodes, tags
 * and embeds the cover.
 */
export async function renderTrack(
  track: PlannedTrack,
  coverFile: string,
  target: string,
  options: RenderOptions,
): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'jukebox-catalog-'));
  const run = (args: string[]) =>
    runFfmpeg(args, {
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  try {
    let speech = false;
    const speechFile = join(work, 'speech.wav');
    if (options.espeak) {
      await execFileAsync(options.espeak, [
        '-v',
        'en-us',
        '-s',
        '150',
        '-w',
        speechFile,
        `${track.title} by ${track.artist}`,
      ]);
      speech = true;
    }
    const graphFile = join(work, 'graph.txt');
    await writeFile(
      graphFile,
      mixGraph(writeScore(track), { durationMs: track.durationMs, seed: track.music.seed, speech }),
    );
    const wav = join(work, 'mix.wav');
    const synth = await run([
      '-loglevel',
      'info',
      ...(speech ? ['-i', speechFile] : []),
      '-filter_complex_script',
      graphFile,
      '-map',
      '[out]',
      '-c:a',
      'pcm_f32le',
      '-fflags',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-y',
      wav,
    ]);
    const measured = integratedLoudness(synth.stderr);
    const gainDb = measured === null ? 0 : track.loudnessLufs - measured;

    const partial = `${target}.partial`;
    await run([
      '-i',
      wav,
      '-i',
      coverFile,
      '-map',
      '0:a',
      '-map',
      '1:v',
      '-filter:a',
      `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${LIMIT}:level=0:latency=1`,
      '-c:a',
      'libmp3lame',
      '-b:a',
      MP3_BITRATE,
      '-ar',
      String(SAMPLE_RATE),
      '-ac',
      '2',
      '-c:v',
      'copy',
      '-disposition:v',
      'attached_pic',
      '-metadata:s:v',
      'title=Album cover',
      '-metadata:s:v',
      'comment=Cover (front)',
      '-map_metadata',
      '-1',
      ...tagArgs(track),
      // ID3v2.4 tags, the LAME/Xing header (gapless playback relies on it), and bitexact so no
      // encoder version string or timestamp makes two runs differ.
      '-id3v2_version',
      '4',
      '-write_xing',
      '1',
      '-fflags',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-f',
      'mp3',
      '-y',
      partial,
    ]);
    await rename(partial, target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `-metadata` arguments for the ID3v2.4 frames music-metadata reads back. */
export function tagArgs(track: PlannedTrack): string[] {
  const tags: Record<string, string> = {
    title: track.title,
    artist: track.artist,
    album_artist: track.artist,
    album: track.album,
    genre: track.genre,
    date: String(track.year),
    track: String(track.trackNo),
    // ffmpeg writes a 4-letter ID3 frame id given as a key verbatim: TSRC is the ISRC frame
    // (music-metadata: common.isrc). Anything else would become a TXXX frame.
    TSRC: track.isrc,
  };
  if (track.explicit) tags[EXPLICIT_METADATA_KEY] = '1';
  return Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
}

/** Reads "I: -14.2 LUFS" from the ebur128 summary at the end of ffmpeg's log. */
export function integratedLoudness(log: string): number | null {
  const summary = log.lastIndexOf('Integrated loudness:');
  if (summary < 0) return null;
  const match = /I:\s+(-?\d+(?:\.\d+)?) LUFS/.exec(log.slice(summary));
  const value = match?.[1] === undefined ? NaN : Number(match[1]);
  // -70 is ebur128's floor: silence, for which no gain makes sense.
  return Number.isFinite(value) && value > -70 ? value : null;
}
