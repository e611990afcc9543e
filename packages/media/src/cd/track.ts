import { firstAudioStream, input, pcmOutput } from '../args.js';
import { isFfmpegError, lastErrorLine } from '../errors.js';
import { spawnFfmpeg } from '../runner.js';
import type { MediaTools } from '../types.js';
import { CdImageError } from './errors.js';
import { writeTrackWav, type WrittenTrack } from './wav.js';

export interface DecodeTrackOptions {
  /** 1-based, for messages. */
  track: number;
  tools: MediaTools;
  signal: AbortSignal;
  onFrames?: (frames: number) => void;
}

/**
 * Decodes one source to a sector-padded WAV. The decode is the plain one (`-f s16le -ar 44100
 * -ac 2`, first audio stream): ffmpeg's default resampler for other rates, its default mix
 * for other layouts (mono goes to both channels), nothing else, so the PCM on the disc is
 * what any ffmpeg decode of the source gives. Rejects with a CdImageError only.
 */
export async function decodeTrackToWav(
  source: string,
  file: string,
  opts: DecodeTrackOptions,
): Promise<WrittenTrack> {
  const child = spawnFfmpeg(cdDecodeArgs(source), { tools: opts.tools, signal: opts.signal });
  let writeError: unknown = null;
  const writing = writeTrackWav(child.stdout, file, opts.onFrames).catch((err: unknown) => {
    writeError = err;
    // Nobody reads the decoder any more: release its pipe and stop it.
    child.stdout.destroy();
    void child.kill();
    return null;
  });
  const [decoded] = await Promise.allSettled([child.done]);
  const written = await writing;

  if (opts.signal.aborted) throw cancelled(opts.track);
  if (writeError !== null) {
    const detail = writeError instanceof Error ? writeError.message : String(writeError);
    throw new CdImageError({
      kind: 'tool-failed',
      track: opts.track,
      message: `track ${opts.track}: cannot write ${file}: ${detail}`,
      cause: writeError,
    });
  }
  if (decoded.status === 'rejected') throw decodeError(decoded.reason, source, opts.track);
  return written!;
}

/**
 * The plain decode (as decode.ts's plainDecodeArgs) with `-flush_packets 0`: without it
 * ffmpeg flushes its pipe after every packet (about 4.6 KiB of PCM for MP3), and reading
 * a 74-minute disc in pieces that small costs more than the decoding. The bytes are the same.
 */
export function cdDecodeArgs(source: string): string[] {
  return [...input(source), ...firstAudioStream, '-flush_packets', '0', ...pcmOutput()];
}

function decodeError(err: unknown, source: string, track: number): CdImageError {
  if (isFfmpegError(err, 'cancelled')) return cancelled(track);
  if (isFfmpegError(err, 'failed')) {
    // After "Stream map '0:a:0' matches no streams." (no audio in the file) ffmpeg prints a
    // hint about the map syntax, which is no reason to show anyone.
    const log = err.stderrTail.replace(/^To ignore this, add a trailing '\?' to the map\.$/m, '');
    const reason = lastErrorLine(log, source) ?? `exit code ${err.exitCode}`;
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
