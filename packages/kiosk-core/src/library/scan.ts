import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import type { CoverStore } from './covers.js';
import { LibraryError, type ScannedFile } from './types.js';

/** File extensions the importer treats as audio; anything else in the folder is ignored. */
export const audioExtensions = new Set([
  '.mp3',
  '.flac',
  '.wav',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.aac',
]);

export const unknownArtist = 'Unknown Artist';

/** Gives a file's duration in ms when its tags do not (ffprobe decodes the stream). */
export type DurationProbe = (file: string) => Promise<number | null>;

/** All audio files under a folder, sorted so imports are reproducible. */
export async function findAudioFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (err) {
    throw new LibraryError(
      'not_found',
      `cannot read the import folder ${dir}: ${(err as Error).message}`,
    );
  }
  return entries
    .filter((e) => e.isFile() && audioExtensions.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The size and mtime the importer compares to detect a changed file. */
export async function fileStamp(path: string): Promise<{ size: number; mtimeMs: number }> {
  const s = await stat(path);
  return { size: s.size, mtimeMs: Math.round(s.mtimeMs) };
}

export type ReadResult =
  { ok: true; file: ScannedFile; warning: string | null } | { ok: false; reason: string };

/**
 * Reads one audio file's tags, duration and cover. Never throws: a file that cannot be a
 * track comes back with the reason, for the import report.
 */
export async function readTrackFile(
  path: string,
  stamp: { size: number; mtimeMs: number },
  covers: CoverStore,
  probeDuration: DurationProbe,
): Promise<ReadResult> {
  if (stamp.size === 0) return { ok: false, reason: 'empty file (0 bytes)' };
  let meta: IAudioMetadata;
  try {
    // duration: false skips the full-file scan; MP3 (Xing/LAME or CBR), FLAC and WAV headers
    // give the duration anyway, and the probe below covers the rest.
    meta = await parseFile(path, { duration: false });
  } catch (err) {
    return { ok: false, reason: `unreadable audio file: ${(err as Error).message}` };
  }
  if (!meta.format.container && !meta.format.codec) {
    return { ok: false, reason: 'not an audio file (no audio stream recognised)' };
  }
  let durationS = meta.format.duration;
  if (durationS === undefined || !Number.isFinite(durationS)) {
    const ms = await probeDuration(path).catch(() => null);
    if (ms === null) return { ok: false, reason: 'could not determine the duration' };
    durationS = ms / 1000;
  }
  if (durationS <= 0) return { ok: false, reason: 'no audio (zero duration)' };

  const c = meta.common;
  const title = c.title?.trim();
  const artist = (c.artist ?? c.albumartist)?.trim();
  const warning = !title || !artist ? 'no title/artist tags: named from the file name' : null;
  const picture = c.picture?.[0];
  const coverId =
    picture && picture.data.byteLength > 0
      ? await covers.put(picture.data, picture.format)
      : await covers.sidecar(dirname(path));
  const isrc = c.isrc?.[0]?.replace(/-/g, '').toUpperCase() ?? null;
  return {
    ok: true,
    warning,
    file: {
      path,
      fileSize: stamp.size,
      fileMtimeMs: stamp.mtimeMs,
      title: title || basename(path, extname(path)),
      artist: artist || unknownArtist,
      album: c.album?.trim() || null,
      genre: c.genre?.[0]?.trim() || null,
      year: c.year && c.year > 0 ? c.year : null,
      trackNo: c.track.no && c.track.no > 0 ? c.track.no : null,
      isrc: isrc && /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(isrc) ? isrc : null,
      explicit: isExplicit(meta.native),
      durationMs: Math.round(durationS * 1000),
      coverId,
    },
  };
}

const explicitTagIds =
  /^(TXXX:)?(EXPLICIT|ITUNESADVISORY)$|^rtng$|^----:com\.apple\.iTunes:ITUNESADVISORY$/i;

/**
 * The explicit-content flag. There is no standard tag: iTunes uses `rtng`/ITUNESADVISORY
 * (1 = explicit, 2 = clean), others a TXXX/Vorbis EXPLICIT field.
 */
function isExplicit(native: IAudioMetadata['native']): boolean {
  for (const tags of Object.values(native)) {
    for (const tag of tags) {
      if (!explicitTagIds.test(tag.id)) continue;
      const v = String(tag.value).trim().toLowerCase();
      if (v === '1' || v === 'true' || v === 'yes' || v === 'explicit' || v === '4') return true;
    }
  }
  return false;
}
