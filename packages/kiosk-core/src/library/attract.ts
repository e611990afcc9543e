import type { AttractSlide } from '@jukebox/protocol';
import { cachedStatement, type Db } from '../db/index.js';

/*
 * The attract slideshow's images: the fleet's attract slides (covers listed in
 * `attract_slides`, migration 0008) and the covers of albums on the box.
 */

/**
 * Makes `coverIds` (stored covers, in slideshow order) the fleet's attract slides, replacing
 * the previous ones; an id listed twice keeps its first place. Call it inside the transaction
 * that installs the manifest listing them, so slides and tracks change together.
 */
export function replaceFleetSlides(db: Db, coverIds: readonly string[]): void {
  cachedStatement(db, 'DELETE FROM attract_slides').run();
  const insert = cachedStatement<[number, string]>(
    db,
    'INSERT INTO attract_slides (position, cover_id) VALUES (?, ?)',
  );
  [...new Set(coverIds)].forEach((id, i) => insert.run(i, id));
}

/**
 * Up to `limit` slides: the fleet's in order first, then distinct covers of playable tracks,
 * shuffled (an image that is also a fleet slide is not repeated among them).
 */
export function attractSlides(db: Db, limit: number): AttractSlide[] {
  const fleet = cachedStatement<[number], { id: string }>(
    db,
    'SELECT cover_id AS id FROM attract_slides ORDER BY position LIMIT ?',
  ).all(limit);
  const albums =
    fleet.length < limit
      ? cachedStatement<[number], { id: string }>(
          db,
          `SELECT cv.id FROM covers cv
             WHERE EXISTS (SELECT 1 FROM tracks t WHERE t.cover_id = cv.id AND t.missing = 0)
               AND NOT EXISTS (SELECT 1 FROM attract_slides s WHERE s.cover_id = cv.id)
             ORDER BY random() LIMIT ?`,
        ).all(limit - fleet.length)
      : [];
  return [
    ...fleet.map((r): AttractSlide => ({ coverId: r.id, kind: 'fleet' })),
    ...albums.map((r): AttractSlide => ({ coverId: r.id, kind: 'album' })),
  ];
}
