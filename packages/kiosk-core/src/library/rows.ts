import type { TrackSummary } from '@jukebox/protocol';

/** Columns and joins that make a TrackSummary row; append WHERE/ORDER to it. */
export const trackSelect = `SELECT t.id, t.title, t.artist_id AS artistId, ar.name AS artist,
    t.album_id AS albumId, al.title AS album, t.category_id AS categoryId, c.name AS category,
    t.year, t.duration_ms AS durationMs, t.explicit, t.cover_id AS coverId,
    coalesce(pc.count, 0) AS playCount
  FROM tracks t
  JOIN artists ar ON ar.id = t.artist_id
  LEFT JOIN albums al ON al.id = t.album_id
  LEFT JOIN categories c ON c.id = t.category_id
  LEFT JOIN play_counts pc ON pc.track_id = t.id`;

export type TrackRow = Omit<TrackSummary, 'explicit'> & { explicit: number };

export function toTrack(row: TrackRow): TrackSummary {
  return { ...row, explicit: row.explicit === 1 };
}

/** Artist columns; only tracks that are on disk count, and an artist's cover is one of theirs. */
export const artistSelect = `SELECT a.id, a.name,
    (SELECT count(*) FROM tracks t WHERE t.artist_id = a.id AND t.missing = 0) AS trackCount,
    (SELECT t.cover_id FROM tracks t WHERE t.artist_id = a.id AND t.missing = 0
      AND t.cover_id IS NOT NULL LIMIT 1) AS coverId
  FROM artists a`;

export const albumSelect = `SELECT al.id, al.title, al.artist_id AS artistId, ar.name AS artist,
    al.year,
    (SELECT count(*) FROM tracks t WHERE t.album_id = al.id AND t.missing = 0) AS trackCount,
    (SELECT t.cover_id FROM tracks t WHERE t.album_id = al.id AND t.missing = 0
      AND t.cover_id IS NOT NULL LIMIT 1) AS coverId
  FROM albums al JOIN artists ar ON ar.id = al.artist_id`;

/** An artist or album is shown only while at least one of its tracks is on disk. */
export const artistVisible =
  'EXISTS (SELECT 1 FROM tracks t WHERE t.artist_id = a.id AND t.missing = 0)';
export const albumVisible =
  'EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = al.id AND t.missing = 0)';
