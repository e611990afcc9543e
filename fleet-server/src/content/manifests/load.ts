import type { Kysely } from 'kysely';
import type { ManifestGraphic, TrackMetadata } from '@jukebox/protocol';
import type { FleetDatabase } from '../../db/schema.js';
import type { CatalogTrackRow } from '../schema.js';
import type { ManifestTrackSource, SetContent } from './build.js';

/*
 * Batch loading for the manifest job: every query takes a list of ids (cut into chunks that
 * stay under both engines' parameter limits), so a run over thousands of boxes costs a few
 * queries per batch rather than a few per box.
 */

/** Ids per `in (…)` list: far below SQLite's 32 766 and PostgreSQL's 65 535 parameters. */
const IN_CHUNK = 1000;

/** Runs `query` over `ids` in chunks and concatenates the rows. */
export async function inChunks<I, R>(
  ids: readonly I[],
  query: (chunk: I[]) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    out.push(...(await query(ids.slice(i, i + IN_CHUNK))));
  }
  return out;
}

export interface BoxState {
  id: string;
  status: string;
  routeId: number | null;
  /** Null for a box that never enrolled (made by staff, no keys): it cannot be sent content. */
  agreementKey: string | null;
}

export async function loadBoxes(
  db: Kysely<FleetDatabase>,
  boxIds: readonly string[],
): Promise<Map<string, BoxState>> {
  const rows = await inChunks(boxIds, (chunk) =>
    db
      .selectFrom('boxes as b')
      .leftJoin('box_keys as k', 'k.box_id', 'b.id')
      .select(['b.id', 'b.status', 'b.route_id', 'k.agreement_public_key'])
      .where('b.id', 'in', chunk)
      .execute(),
  );
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, status: r.status, routeId: r.route_id, agreementKey: r.agreement_public_key },
    ]),
  );
}

export interface HeadState {
  version: number;
  expiresAt: number;
  contentDigest: string;
  routeId: number | null;
  agreementKey: string;
}

export async function loadHeads(
  db: Kysely<FleetDatabase>,
  boxIds: readonly string[],
): Promise<Map<string, HeadState>> {
  const rows = await inChunks(boxIds, (chunk) =>
    db.selectFrom('box_content_heads').selectAll().where('box_id', 'in', chunk).execute(),
  );
  return new Map(
    rows.map((r) => [
      r.box_id,
      {
        version: r.version,
        expiresAt: r.expires_at,
        contentDigest: r.content_digest,
        routeId: r.route_id,
        agreementKey: r.agreement_key,
      },
    ]),
  );
}

/** The dirty counters of these boxes as they are now (0 when unmarked). */
export async function loadDirty(
  db: Kysely<FleetDatabase>,
  boxIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await inChunks(boxIds, (chunk) =>
    db.selectFrom('box_content_dirty').selectAll().where('box_id', 'in', chunk).execute(),
  );
  return new Map(rows.map((r) => [r.box_id, r.changes]));
}

/** The sets each box holds: its own and its route's, as sorted id lists. */
export async function loadSetIdsPerBox(
  db: Kysely<FleetDatabase>,
  boxes: readonly BoxState[],
): Promise<Map<string, number[]>> {
  const routeIds = [...new Set(boxes.map((b) => b.routeId).filter((r) => r !== null))];
  const [direct, viaRoute] = await Promise.all([
    inChunks(
      boxes.map((b) => b.id),
      (chunk) =>
        db
          .selectFrom('content_set_boxes')
          .select(['set_id', 'box_id'])
          .where('box_id', 'in', chunk)
          .execute(),
    ),
    inChunks(routeIds, (chunk) =>
      db
        .selectFrom('content_set_routes')
        .select(['set_id', 'route_id'])
        .where('route_id', 'in', chunk)
        .execute(),
    ),
  ]);
  const byRoute = new Map<number, number[]>();
  for (const r of viaRoute) byRoute.set(r.route_id, [...(byRoute.get(r.route_id) ?? []), r.set_id]);
  const out = new Map<string, number[]>();
  for (const box of boxes)
    out.set(box.id, box.routeId === null ? [] : [...(byRoute.get(box.routeId) ?? [])]);
  for (const d of direct) out.get(d.box_id)?.push(d.set_id);
  for (const [id, sets] of out)
    out.set(
      id,
      [...new Set(sets)].sort((a, b) => a - b),
    );
  return out;
}

/** A track as the job needs it: its manifest entry and its sealed content key. */
export interface LoadedTrack {
  source: ManifestTrackSource;
  sealedKey: string;
}

/** Track rows to manifest entries; the cover is the largest size ingest made. */
export async function loadTracks(
  db: Kysely<FleetDatabase>,
  trackIds: readonly string[],
): Promise<Map<string, LoadedTrack>> {
  const [rows, covers] = await Promise.all([
    inChunks(trackIds, (chunk) =>
      db.selectFrom('catalog_tracks').selectAll().where('id', 'in', chunk).execute(),
    ),
    inChunks(trackIds, (chunk) =>
      db
        .selectFrom('catalog_covers')
        .selectAll()
        .where('track_id', 'in', chunk)
        .orderBy('size_px', 'desc')
        .execute(),
    ),
  ]);
  const coverOf = new Map<string, { sha256: string; byte_size: number }>();
  for (const c of covers) if (!coverOf.has(c.track_id)) coverOf.set(c.track_id, c);
  return new Map(
    rows.map((row) => {
      const cover = coverOf.get(row.id);
      return [
        row.id,
        {
          sealedKey: row.sealed_content_key,
          source: {
            trackId: row.id,
            sha256: row.blob_sha256,
            size: row.blob_size,
            chunkSize: row.chunk_size,
            plainSha256: row.plain_sha256,
            metadata: manifestMetadata(row, cover?.sha256),
            cover: cover
              ? {
                  sha256: cover.sha256,
                  size: cover.byte_size,
                  kind: 'cover',
                  name: `cover of ${row.id}`,
                }
              : null,
          },
        },
      ];
    }),
  );
}

/** The catalog row as the manifest's strict `trackMetadata` (absent, never null). */
export function manifestMetadata(row: CatalogTrackRow, coverSha256?: string): TrackMetadata {
  return {
    title: row.title,
    artist: row.artist,
    ...(row.album === null ? {} : { album: row.album }),
    ...(row.genre === null ? {} : { genre: row.genre }),
    ...(row.year === null ? {} : { year: row.year }),
    ...(row.isrc === null ? {} : { isrc: row.isrc }),
    explicit: row.explicit === 1,
    durationMs: row.duration_ms,
    gainDb: row.gain_db,
    ...(coverSha256 === undefined ? {} : { coverSha256 }),
  };
}

/**
 * The content of each set in `setIds` not yet in `cache`, added to it. Tracks are loaded once
 * per run however many sets and boxes list them (`tracks` is the run's track cache).
 */
export async function loadSets(
  db: Kysely<FleetDatabase>,
  setIds: readonly number[],
  cache: Map<number, SetContent>,
  tracks: Map<string, LoadedTrack>,
): Promise<void> {
  const missing = setIds.filter((id) => !cache.has(id));
  if (missing.length === 0) return;
  const [trackRows, graphicRows] = await Promise.all([
    inChunks(missing, (chunk) =>
      db
        .selectFrom('content_set_tracks')
        .select(['set_id', 'track_id'])
        .where('set_id', 'in', chunk)
        .execute(),
    ),
    inChunks(missing, (chunk) =>
      db
        .selectFrom('content_set_graphics as sg')
        .innerJoin('graphics as g', 'g.id', 'sg.graphic_id')
        .select(['sg.set_id', 'g.sha256', 'g.size', 'g.kind', 'g.name'])
        .where('sg.set_id', 'in', chunk)
        .execute(),
    ),
  ]);
  const newTrackIds = [...new Set(trackRows.map((r) => r.track_id))].filter(
    (id) => !tracks.has(id),
  );
  for (const [id, track] of await loadTracks(db, newTrackIds)) tracks.set(id, track);
  const contents = new Map<number, { tracks: ManifestTrackSource[]; graphics: ManifestGraphic[] }>(
    missing.map((id) => [id, { tracks: [], graphics: [] }]),
  );
  for (const r of trackRows) {
    const track = tracks.get(r.track_id);
    if (track) contents.get(r.set_id)!.tracks.push(track.source);
  }
  for (const g of graphicRows) {
    contents
      .get(g.set_id)!
      .graphics.push({ sha256: g.sha256, size: g.size, kind: g.kind, name: g.name });
  }
  for (const [id, content] of contents) cache.set(id, content);
}
