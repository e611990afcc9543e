import { z } from 'zod';

/** A cover is named by the SHA-256 of its image bytes; the shell turns it into a URL. */
export const coverId = z.string().regex(/^[0-9a-f]{64}$/, 'cover id is a SHA-256 hex digest');

export const trackSummary = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  artistId: z.number().int().positive(),
  artist: z.string(),
  albumId: z.number().int().positive().nullable(),
  album: z.string().nullable(),
  categoryId: z.number().int().positive().nullable(),
  category: z.string().nullable(),
  year: z.number().int().nullable(),
  durationMs: z.number().int().nonnegative(),
  explicit: z.boolean(),
  coverId: coverId.nullable(),
  playCount: z.number().int().nonnegative(),
});
export type TrackSummary = z.infer<typeof trackSummary>;

export const artistSummary = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  trackCount: z.number().int().nonnegative(),
  coverId: coverId.nullable(),
});
export type ArtistSummary = z.infer<typeof artistSummary>;

export const albumSummary = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  artistId: z.number().int().positive(),
  artist: z.string(),
  year: z.number().int().nullable(),
  trackCount: z.number().int().nonnegative(),
  coverId: coverId.nullable(),
});
export type AlbumSummary = z.infer<typeof albumSummary>;

export const categorySummary = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  trackCount: z.number().int().nonnegative(),
  coverId: coverId.nullable(),
});
export type CategorySummary = z.infer<typeof categorySummary>;

/** One entry of the A–Z index: the letter ('#' for digits and symbols) and how many entries. */
export const letterCount = z.object({ letter: z.string().length(1), count: z.number().int() });
export type LetterCount = z.infer<typeof letterCount>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int().nonnegative() });

/**
 * One track of a catalog described in a file (NDJSON, one record per line): the demo
 * catalog generator writes these for its metadata-only benchmark library, and the box library
 * can insert them without audio files (`path: null`).
 */
export const catalogRecord = z.object({
  path: z.string().nullable(),
  title: z.string().min(1).max(300),
  artist: z.string().min(1).max(300),
  album: z.string().max(300).nullable(),
  genre: z.string().max(100).nullable(),
  year: z.number().int().min(1000).max(3000).nullable(),
  trackNo: z.number().int().positive().nullable(),
  isrc: z
    .string()
    .regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, 'ISRC is CCOOOYYSSSSS')
    .nullable(),
  explicit: z.boolean(),
  durationMs: z.number().int().nonnegative(),
});
export type CatalogRecord = z.infer<typeof catalogRecord>;
