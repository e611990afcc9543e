import type { MediaTools } from '@jukebox/media';
import type { Logger } from '../log.js';

/** Paths of the ffmpeg and ffprobe executables. */
export type ToolPaths = MediaTools;

/** What the library needs besides its database. */
export interface LibraryOptions {
  /** The box's data folder; covers live in `<dataDir>/covers/<sha256>`. */
  dataDir: string;
  tools: ToolPaths;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** The tag fields of one track, from a file's tags or from a catalog record. */
export interface TrackFields {
  title: string;
  artist: string;
  album: string | null;
  genre: string | null;
  year: number | null;
  trackNo: number | null;
  isrc: string | null;
  explicit: boolean;
  durationMs: number;
}

/** A file the importer has read, ready to be written. */
export interface ScannedFile extends TrackFields {
  path: string;
  fileSize: number;
  fileMtimeMs: number;
  coverId: string | null;
}

/** Summary of one `importFolder` run. */
export interface ImportReport {
  /** Audio files found (by extension). */
  scanned: number;
  added: number;
  /** Files whose size or mtime changed (re-read), or that came back after being missing. */
  updated: number;
  unchanged: number;
  skipped: { path: string; reason: string }[];
  /** Imported with guessed fields (no tags: title from the file name, "Unknown Artist"). */
  warnings: { path: string; message: string }[];
  /** Tracks under this folder that are in the library but no longer on disk. */
  missing: number;
  /** True when the signal stopped the run; what was read so far is stored, nothing is flagged missing. */
  aborted: boolean;
}

/** Progress of an import, reported after each file. */
export interface ImportProgress {
  done: number;
  total: number;
  path: string;
}

/** Why the library refused a request; `code` maps onto the kiosk API error codes. */
export class LibraryError extends Error {
  override readonly name = 'LibraryError';
  constructor(
    readonly code: 'not_found' | 'unavailable' | 'queue_full' | 'bad_request',
    message: string,
  ) {
    super(message);
  }
}
