import { constants } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MEDIA_SECTORS, RED_BOOK, sectorsForFrames, type DiscMedia } from '@jukebox/protocol';
import { defaultTools } from '../types.js';
import { fitCdText } from './cd-text.js';
import { CdImageError } from './errors.js';
import {
  checkRequest,
  type CdImageProgress,
  type CdImageRequest,
  type CheckedRequest,
} from './request.js';
import { buildToc } from './toc.js';
import { cancelled, decodeTrackToWav } from './track.js';
import type { WrittenTrack } from './wav.js';

/** The TOC's name in an image folder. */
export const TOC_FILE = 'disc.toc';

/** The WAV of track `n` (1-based) in an image folder: `01.wav` ... `99.wav`. */
export function trackFileName(n: number): string {
  return `${String(n).padStart(2, '0')}.wav`;
}

export interface CdImageTrack {
  /** The track's WAV (absolute path in the finished folder). */
  file: string;
  /** Stereo frames as decoded, before padding. */
  frames: number;
  /** Sectors once padded to whole sectors (588 frames each). */
  sectors: number;
  /** SHA-256 (hex) of the unpadded s16le PCM: equal to a plain ffmpeg decode's. */
  /** SHA-256 of the unpadded PCM, with `hashPcm`; else null. */
  pcmSha256: string | null;
  durationMs: number;
}

export interface CdImage {
  /** The finished image folder: `<outDir>/<recordingId>`. */
  dir: string;
  /** Its TOC; the WAV names in it are relative, so run cdrdao in `dir`. */
  tocPath: string;
  /** Sectors of the whole program, the 2-second pregap included (= `cdrdao toc-size`). */
  totalSectors: number;
  tracks: CdImageTrack[];
  /** What CD-TEXT changed (transliterated characters, shortened titles), for the log. */
  warnings: string[];
}

/**
 * Makes a cdrdao image of an audio CD: each track decoded to 44.1 kHz/16-bit/stereo and
 * padded to whole sectors (`01.wav`, ...), and `disc.toc` with the MCN, CD-TEXT (see
 * buildToc) and ISRCs. Tracks decode in parallel, `concurrency` at a time.
 *
 * A bad request is refused before anything is decoded (count, ISRCs, MCN, texts, a local
 * source that is missing, an image folder that exists); a track under 4 s, or a disc over
 * the media's capacity, is refused as soon as decoding shows it (the capacity while the
 * tracks are still decoding). The image is built in a hidden temp folder inside `outDir`
 * (`.<recordingId>.partial-*`) and renamed to `<outDir>/<recordingId>` when complete and
 * synced, so a folder with the final name is always a whole image. On any failure or abort
 * every ffmpeg child is stopped and the temp folder removed; the promise rejects with a
 * CdImageError.
 */
export async function assembleCdImage(request: CdImageRequest): Promise<CdImage> {
  const req = checkRequest(request);
  const userSignal = req.signal;
  if (userSignal?.aborted) throw cancelled();
  const sources = req.tracks.map((t) => (isUrl(t.source) ? t.source : resolve(t.source)));
  await checkLocalSources(sources);

  const outDir = resolve(req.outDir);
  const dir = join(outDir, req.recordingId);
  await refuseExisting(dir);
  if (userSignal?.aborted) throw cancelled();
  let temp: string;
  try {
    await mkdir(outDir, { recursive: true });
    temp = await mkdtemp(join(outDir, `.${req.recordingId}.partial-`));
  } catch (err) {
    throw new CdImageError({
      kind: 'tool-failed',
      message: `cannot make a folder in ${outDir}: ${(err as Error).message}`,
      cause: err,
    });
  }
  // Stops the other decodes when one track fails, and follows the caller's signal.
  const stop = new AbortController();
  const signal = userSignal ? AbortSignal.any([stop.signal, userSignal]) : stop.signal;
  try {
    const written = await decodeAll(req, sources, temp, signal, () => stop.abort());
    const cdText = fitCdText(req);
    await writeFile(
      join(temp, TOC_FILE),
      buildToc({
        title: req.title,
        performer: req.performer,
        recordingId: req.recordingId,
        ...(req.mcn === undefined ? {} : { mcn: req.mcn }),
        tracks: req.tracks.map((t, i) => ({
          file: trackFileName(i + 1),
          title: t.title,
          performer: t.performer,
          ...(t.isrc === undefined ? {} : { isrc: t.isrc }),
        })),
      }),
      { flag: 'wx' },
    );
    await syncPath(join(temp, TOC_FILE));
    await syncPath(temp);
    if (signal.aborted) throw cancelled();
    await moveIntoPlace(temp, dir);
    // From here on the image is complete and in place: nothing may turn that into a failure
    // (a retry would then find the folder and refuse). A failed fsync of the parent only
    // means the rename might not survive a power cut, and then the image is simply missing.
    await syncPath(outDir).catch(() => undefined);

    const tracks = written.map((w, i) => ({
      file: join(dir, trackFileName(i + 1)),
      frames: w.frames,
      sectors: w.sectors,
      pcmSha256: w.pcmSha256,
      durationMs: Math.round((w.frames * 1000) / RED_BOOK.sampleRate),
    }));
    report(req, { tracksDone: tracks.length, tracksTotal: tracks.length, fraction: 1 });
    return {
      dir,
      tocPath: join(dir, TOC_FILE),
      totalSectors: RED_BOOK.pregapSectors + tracks.reduce((sum, t) => sum + t.sectors, 0),
      tracks,
      warnings: cdText.notes,
    };
  } catch (err) {
    stop.abort();
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (userSignal?.aborted) throw cancelled();
    if (err instanceof CdImageError) throw err;
    throw new CdImageError({
      kind: 'tool-failed',
      message: `cannot write the CD image in ${outDir}: ${(err as Error).message}`,
      cause: err,
    });
  }
}

/**
 * Decodes every track into `temp`, `req.concurrency` at a time, checking each finished track
 * against the 4-second minimum and the running total against the media's capacity. The first
 * failure calls `fail` (which aborts `signal`, stopping the other decodes) and is what this
 * rejects with, once every decode has ended.
 */
async function decodeAll(
  req: CheckedRequest,
  sources: string[],
  temp: string,
  signal: AbortSignal,
  fail: () => void,
): Promise<WrittenTrack[]> {
  const total = sources.length;
  const capacity = req.media === undefined ? Infinity : MEDIA_SECTORS[req.media];
  const sectorsSoFar: number[] = sources.map(() => 0);
  let programSectors: number = RED_BOOK.pregapSectors;
  const results: WrittenTrack[] = [];
  // Each WAV is fsynced while the next track decodes: the rename that publishes the image
  // must not outlive its data, and waiting for the disk in the decode slot would idle a core.
  const syncs: Promise<void>[] = [];
  let firstError: CdImageError | null = null;
  let next = 0;
  let done = 0;

  const failWith = (err: CdImageError) => {
    firstError ??= err;
    fail();
  };
  const onFrames = (i: number) => (frames: number) => {
    const sectors = sectorsForFrames(frames);
    programSectors += sectors - sectorsSoFar[i]!;
    sectorsSoFar[i] = sectors;
    if (programSectors > capacity && firstError === null) {
      failWith(overCapacity(req.media!, programSectors));
    }
  };

  report(req, { tracksDone: 0, tracksTotal: total, fraction: 0 });
  const worker = async () => {
    while (next < total && !signal.aborted) {
      const i = next++;
      try {
        const file = join(temp, trackFileName(i + 1));
        const written = await decodeTrackToWav(sources[i]!, file, {
          track: i + 1,
          tools: { ...defaultTools, ...(req.ffmpeg === undefined ? {} : { ffmpeg: req.ffmpeg }) },
          signal,
          onFrames: onFrames(i),
          hash: req.hashPcm,
        });
        if (written.sectors < RED_BOOK.minTrackSectors) {
          throw tooShort(i + 1, req.tracks[i]!.title, written.frames);
        }
        results[i] = written;
        syncs.push(
          syncPath(file).catch((err: unknown) => {
            failWith(
              new CdImageError({
                kind: 'tool-failed',
                track: i + 1,
                message: `track ${i + 1}: cannot sync ${file}: ${(err as Error).message}`,
                cause: err,
              }),
            );
          }),
        );
        done++;
        // The last report (fraction 1) comes once the image is in place.
        if (done < total)
          report(req, { tracksDone: done, tracksTotal: total, fraction: done / total });
      } catch (err) {
        // A decode stopped because another track failed reports 'cancelled'; the first
        // failure is the one that counts.
        if (err instanceof CdImageError && !(err.kind === 'cancelled' && firstError !== null)) {
          failWith(err);
        } else if (!(err instanceof CdImageError)) {
          failWith(
            new CdImageError({
              kind: 'tool-failed',
              track: i + 1,
              message: `track ${i + 1}: ${(err as Error).message}`,
              cause: err,
            }),
          );
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(req.concurrency, total) }, worker));
  await Promise.all(syncs);
  if (firstError !== null) throw firstError;
  if (signal.aborted) throw cancelled();
  return results;
}

/** Found while decoding: the tracks so far already need `sectors`, and the rest may add more. */
/** Calls the caller's progress callback; a bug in a progress display must not fail a disc. */
function report(req: CheckedRequest, progress: CdImageProgress): void {
  try {
    req.onProgress?.(progress);
  } catch {
    // ignored on purpose, see above
  }
}

function overCapacity(media: DiscMedia, sectors: number): CdImageError {
  const capacity = MEDIA_SECTORS[media];
  return new CdImageError({
    kind: 'over-capacity',
    message:
      `the tracks do not fit a ${media}-minute disc: they need at least ${fmtSectors(sectors)} with the 2-second ` +
      `pregap, and the disc holds ${fmtSectors(capacity)}`,
  });
}

function tooShort(track: number, title: string, frames: number): CdImageError {
  const seconds = (frames / RED_BOOK.sampleRate).toFixed(2);
  return new CdImageError({
    kind: 'track-too-short',
    track,
    message:
      `track ${track} ("${title}") is ${seconds} s long; a CD track must be at least ` +
      `${RED_BOOK.minTrackSectors / RED_BOOK.sectorsPerSecond} s (${RED_BOOK.minTrackSectors} sectors)`,
  });
}

/** "340,512 sectors (75:40)". */
function fmtSectors(sectors: number): string {
  const seconds = Math.floor(sectors / RED_BOOK.sectorsPerSecond);
  const mmss = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return `${sectors.toLocaleString('en-US')} sectors (${mmss})`;
}

function isUrl(source: string): boolean {
  return /^https?:/i.test(source);
}

/** A missing or unreadable local file is refused before any decode starts. */
async function checkLocalSources(sources: string[]): Promise<void> {
  for (const [i, source] of sources.entries()) {
    if (isUrl(source)) continue;
    try {
      const info = await stat(source);
      if (!info.isFile()) throw new Error('not a regular file');
      await access(source, constants.R_OK);
    } catch (err) {
      const reason =
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no such file'
          : (err as NodeJS.ErrnoException).code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
      throw new CdImageError({
        kind: 'unreadable-source',
        track: i + 1,
        message: `track ${i + 1}: cannot read ${source}: ${reason}`,
        cause: err,
      });
    }
  }
}

async function refuseExisting(dir: string): Promise<void> {
  const exists = await lstat(dir).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new CdImageError({
      kind: 'output-exists',
      message: `${dir} already exists: an image is never overwritten (remove it, or use a new recordingId)`,
    });
  }
}

/** rename(2) would replace an empty folder that appeared meanwhile; refuse instead. */
async function moveIntoPlace(temp: string, dir: string): Promise<void> {
  await refuseExisting(dir);
  try {
    await rename(temp, dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') await refuseExisting(dir);
    throw err;
  }
}

/** fsync a file or folder, so the rename that publishes the image finds its data on disk. */
async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
