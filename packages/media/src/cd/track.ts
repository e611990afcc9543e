import { RED_BOOK } from '@jukebox/protocol';
import { firstAudioStream, input } from '../args.js';
import { isFfmpegError, lastErrorLine } from '../errors.js';
import { runFfmpeg } from '../runner.js';
import type { MediaTools } from '../types.js';
import { CdImageError } from './errors.js';
import { finishTrackWav, type WrittenTrack } from './wav.js';

export interface DecodeTrackOptions {
  /** 1-based, for messages. */
  track: number;
  tools: MediaTools;
  signal: AbortSignal;
  /** Frames decoded so far, as ffmpeg reports its progress (about twice a second). */
  onFrames?: (frames: number) => void;
  /** Hash the PCM (see CdImageRequest.hashPcm). */
  hash: boolean;
}

/**
 * ffmpeg arguments that decode `source` to a Red Book WAV at `target`: the plain decode
 * (first audio stream, `-ar 44100 -ac 2`: ffmpeg's default resampler for other rates, its
 * default mix for other layouts, so mono goes to both channels, nothing else), written by
 * ffmpeg's WAV muxer. `-bitexact` and no metadata keep the header the canonical 44 bytes
 * finishTrackWav checks; `-n` never writes over a file.
 *
 * ffmpeg writes the file itself, as a plain `ffmpeg -i SRC OUT.wav` does, rather than piping
 * PCM through Node: for a 74-minute disc, reading 780 MB from a pipe in ffmpeg's 32 KiB
 * writes cost a second or two of CPU, where reading the file back in 1 MiB reads to hash it
 * costs a tenth of that.
 */
export function cdDecodeArgs(source: string, target: string): string[] {
  return [
    '-n',
    ...input(source),
    ...firstAudioStream,
    '-map_metadata',
    '-1',
    '-bitexact',
    '-c:a',
    'pcm_s16le',
    '-ar',
    String(RED_BOOK.sampleRate),
    '-ac',
    String(RED_BOOK.channels),
    '-f',
    'wav',
    target,
  ];
}

/**
 * Decodes one source to a sector-padded WAV (see cdDecodeArgs and finishTrackWav); the PCM
 * on the disc is what any plain ffmpeg decode of the source gives. Rejects with a
 * CdImageError only.
 */
export async function decodeTrackToWav(
  source: string,
  file: string,
  opts: DecodeTrackOptions,
): Promise<WrittenTrack> {
  const { onFrames } = opts;
  try {
    await runFfmpeg(cdDecodeArgs(source, file), {
      tools: opts.tools,
      signal: opts.signal,
      ...(onFrames
        ? {
            onProgress: (p) => onFrames(Math.floor((p.outTimeMs * RED_BOOK.sampleRate) / 1000)),
          }
        : {}),
    });
  } catch (err) {
    if (opts.signal.aborted) throw cancelled(opts.track);
    throw decodeError(err, source, opts.track);
  }
  if (opts.signal.aborted) throw cancelled(opts.track);
  try {
    const written = await finishTrackWav(file, { hash: opts.hash });
    onFrames?.(written.frames);
    return written;
  } catch (err) {
    throw new CdImageError({
      kind: 'tool-failed',
      track: opts.track,
      message: `track ${opts.track}: ${(err as Error).message}`,
      cause: err,
    });
  }
}

function decodeError(err: unknown, source: string, track: number): CdImageError {
  if (isFfmpegError(err, 'cancelled')) return cancelled(track);
  if (isFfmpegError(err, 'failed')) {
    // After "Stream map '0:a:0' matches no streams." (no audio in the file) ffmpeg prints a
    // hint about the map syntax, which is no reason to show anyone.
    const log = err.stderrTail.replace(/^To ignore this, add a trailing '\?' to the map\.$/m, '');
    const reason = lastErrorLine(log, source) ?? `exit code ${err.exitCode}`;
    if (/No space left on device|Disk quota exceeded|Read-only file system/.test(reason)) {
      return new CdImageError({
        kind: 'tool-failed',
        track,
        message: `track ${track}: cannot write its WAV: ${reason}`,
        cause: err,
      });
    }
    return new CdImageError({
      kind: 'unreadable-source',
      track,
      message: `track ${track}: ffmpeg cannot read ${source}: ${reason}`,
      cause: err,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new CdImageError({
    kind: 'tool-failed',
    track,
    message: `track ${track}: decoding ${source} failed: ${detail}`,
    cause: err,
  });
}

export function cancelled(track?: number): CdImageError {
  return new CdImageError({
    kind: 'cancelled',
    message: 'CD image assembly cancelled',
    ...(track === undefined ? {} : { track }),
  });
}
