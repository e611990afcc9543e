import type { CatalogRecord } from '@jukebox/protocol';

/** A metadata-only catalog record with sensible defaults. */
export function record(
  fields: Partial<CatalogRecord> & Pick<CatalogRecord, 'title' | 'artist'>,
): CatalogRecord {
  return {
    path: null,
    album: null,
    genre: null,
    year: null,
    trackNo: null,
    isrc: null,
    explicit: false,
    durationMs: 180_000,
    ...fields,
  };
}
