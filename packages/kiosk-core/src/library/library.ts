import type {
  AlbumSummary,
  ArtistSummary,
  AttractSlide,
  CatalogRecord,
  CategorySummary,
  LetterCount,
  TrackSummary,
} from '@jukebox/protocol';
import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';
import { attractSlides } from './attract.js';
import {
  Browse,
  type ListArtistsParams,
  type ListTracksParams,
  type Page,
  type Playable,
} from './browse.js';
import { CoverStore } from './covers.js';
import { importFolder, type ImportOptions } from './importer.js';
import { ffprobeDuration } from './probe.js';
import type { DurationProbe } from './scan.js';
import { Search, type SearchResult } from './search.js';
import type { ImportReport, LibraryOptions } from './types.js';
import { CatalogWriter } from './writer.js';

/** Rows per transaction in `insertRecords`: few fsyncs, bounded memory in the WAL. */
const recordBatch = 5000;

/**
 * The box's music library: import from folders, metadata-only catalogs, browse and search.
 * All reads hide tracks whose file has gone missing.
 */
export class Library {
  readonly covers: CoverStore;
  private readonly browse: Browse;
  private readonly finder: Search;
  private readonly probeDuration: DurationProbe;

  constructor(
    private readonly db: Db,
    private readonly options: LibraryOptions & { probeDuration?: DurationProbe },
  ) {
    this.covers = new CoverStore(db, options.dataDir);
    this.browse = new Browse(db);
    this.finder = new Search(db);
    this.probeDuration = options.probeDuration ?? ffprobeDuration(options.tools);
  }

  /**
   * Brings the library in step with a folder: new files are added, changed files (size or
   * mtime) re-read, unchanged ones skipped without opening them, unusable ones reported, and
   * tracks whose file is gone flagged missing. Loudness is measured later by `LoudnessJob`.
   */
  async importFolder(dir: string, options: ImportOptions = {}): Promise<ImportReport> {
    try {
      return await importFolder(
        this.db,
        this.covers,
        this.probeDuration,
        this.options.log,
        dir,
        // A first import of a large library takes minutes: genres, letters and counts follow
        // each committed batch, not only the end.
        { ...options, onBatch: () => this.changed() },
      );
    } finally {
      this.changed();
    }
  }

  /** Bulk-inserts catalog records (metadata-only when `path` is null). Returns rows added. */
  insertRecords(records: readonly CatalogRecord[]): number {
    const writer = new CatalogWriter(this.db);
    const insert = (batch: readonly CatalogRecord[]): void =>
      writer.batch(() => {
        for (const r of batch) {
          writer.add(
            r,
            r.path === null
              ? null
              : { path: r.path, fileSize: null, fileMtimeMs: null, coverId: null },
          );
        }
      });
    try {
      for (let i = 0; i < records.length; i += recordBatch) {
        insert(records.slice(i, i + recordBatch));
      }
    } finally {
      this.changed();
    }
    return records.length;
  }

  /** Drops cached aggregates and search counts after the tracks changed. */
  private changed(): void {
    this.browse.invalidate();
    this.finder.invalidate();
  }

  /** For writers outside the library (content sync): the tracks changed, drop the caches. */
  invalidate(): void {
    this.changed();
  }

  /** Genres that have tracks on disk, by name, with a count and a cover. */
  categories(): CategorySummary[] {
    return this.browse.categories();
  }

  /** The A–Z index: letters ('#' for digits and symbols) with how many artists or titles. */
  letters(by: 'artist' | 'title'): LetterCount[] {
    return this.browse.letters(by);
  }

  /**
   * A page of tracks ordered by title or by artist, optionally one category and one letter
   * (of the title or of the artist name, following `sort`).
   */
  listTracks(params: ListTracksParams): Page<TrackSummary> {
    return this.browse.listTracks(params);
  }

  /** A page of artists with tracks on disk, A–Z ('#' first), optionally one letter. */
  listArtists(params: ListArtistsParams): Page<ArtistSummary> {
    return this.browse.listArtists(params);
  }

  artist(
    id: number,
  ): { artist: ArtistSummary; albums: AlbumSummary[]; tracks: TrackSummary[] } | null {
    return this.browse.artist(id);
  }

  /** An album with its tracks in track order, or null when unknown or with nothing on disk. */
  album(id: number): { album: AlbumSummary; tracks: TrackSummary[] } | null {
    return this.browse.album(id);
  }

  /** The attract slideshow: the fleet's slides in order, then album covers; see `attract.ts`. */
  attractSlides(limit: number): AttractSlide[] {
    return attractSlides(this.db, limit);
  }

  /** Search-as-you-type; see {@link Search}. An empty query gives empty lists. */
  search(query: string, limit: number): SearchResult {
    return this.finder.search(query, limit);
  }

  /** A track as the UI shows it (also for missing tracks, e.g. in play history), or null. */
  trackSummary(id: number): TrackSummary | null {
    return this.browse.trackSummary(id);
  }

  /** The file and gain to play, or null when the track is unknown, missing or has no file. */
  playable(id: number): Playable | null {
    return this.browse.playable(id);
  }

  /** Tracks on disk. */
  trackCount(): number {
    return this.browse.trackCount();
  }

  /** Tracks on disk still waiting for a loudness measurement (failed ones excluded). */
  pendingLoudnessCount(): number {
    // Cached: the status route asks on every call.
    return (
      cachedStatement<[], { n: number }>(
        this.db,
        `SELECT count(*) AS n FROM tracks
         WHERE gain_db IS NULL AND loudness_error IS NULL AND path IS NOT NULL AND missing = 0`,
      ).get()?.n ?? 0
    );
  }

  /** Absolute path of a stored cover image, or null for an unknown id. */
  coverFile(coverId: string): string | null {
    return this.covers.file(coverId);
  }

  /** MIME type of a stored cover image (image/jpeg, image/png), or null for an unknown id. */
  coverMime(coverId: string): string | null {
    return this.covers.mime(coverId);
  }
}
