import { sql, type Kysely, type Updateable } from 'kysely';
import { decodeJson } from '@jukebox/db';
import { parseIsrc } from '@jukebox/media';
import { z } from 'zod';
import { recordAudit, type StaffActor } from '../../audit/log.js';
import { isoTime, type Clock } from '../../clock.js';
import type { FleetDatabase } from '../../db/schema.js';
import { FleetError, notFound } from '../../errors.js';
import type { CatalogTrack, RightsHolder, TrackMetadataInput } from '../api.js';
import { markBoxesOfTrack } from '../manifests/dirty.js';
import type { CatalogTrackRow, CatalogTracksTable } from '../schema.js';

const formatSchema = z.record(z.string(), z.unknown());

/** Where staff fetch a track's preview and covers. */
export const previewUrl = (trackId: string) => `/api/v1/catalog/tracks/${trackId}/preview`;
export const coverUrl = (trackId: string, size: number) =>
  `/api/v1/catalog/tracks/${trackId}/cover/${size}`;

/** An ISRC as typed, normalised; a 400 when it is not one. */
export function normaliseIsrc(raw: string): string {
  const isrc = parseIsrc(raw);
  if (isrc === null) throw new FleetError('bad_request', `"${raw}" is not an ISRC`);
  return isrc;
}

/**
 * The master catalog as staff see it: listing and search, one track with its covers and
 * rights holders, and metadata edits. An edit that changes what boxes are told about a track
 * marks the boxes holding it, so they get a new manifest.
 */
export class CatalogService {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
  ) {}

  async list(query: {
    q?: string | undefined;
    limit: number;
    offset: number;
  }): Promise<{ tracks: CatalogTrack[]; total: number }> {
    let base = this.db.selectFrom('catalog_tracks');
    const q = query.q?.trim();
    if (q) {
      // LIKE wildcards in the search text are matched literally.
      const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base = base.where((eb) =>
        eb.or([
          sql<boolean>`lower(title) like ${pattern} escape '\\'`,
          sql<boolean>`lower(artist) like ${pattern} escape '\\'`,
        ]),
      );
    }
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('artist')
        .orderBy('title')
        .orderBy('id')
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { tracks: await this.views(rows), total: Number(count.n) };
  }

  async get(trackId: string, db: Kysely<FleetDatabase> = this.db): Promise<CatalogTrack> {
    const row = await db
      .selectFrom('catalog_tracks')
      .selectAll()
      .where('id', '=', trackId)
      .executeTakeFirst();
    if (!row) throw notFound(`track ${trackId}`);
    const [view] = await this.views([row], db);
    return view!;
  }

  /** The track with these source bytes, if it was uploaded before. */
  async findBySource(sha256: string): Promise<CatalogTrack | undefined> {
    const row = await this.db
      .selectFrom('catalog_tracks')
      .select('id')
      .where('source_sha256', '=', sha256)
      .executeTakeFirst();
    return row ? this.get(row.id) : undefined;
  }

  /** Applies an edit; the response is the track as it is afterwards. */
  async patch(
    trackId: string,
    input: TrackMetadataInput,
    actor: StaffActor,
  ): Promise<CatalogTrack> {
    const { rightsHolders, ...fields } = input;
    const values: Updateable<CatalogTracksTable> = {};
    if (fields.title !== undefined) values.title = fields.title;
    if (fields.artist !== undefined) values.artist = fields.artist;
    if (fields.album !== undefined) values.album = fields.album;
    if (fields.genre !== undefined) values.genre = fields.genre;
    if (fields.year !== undefined) values.year = fields.year;
    if (fields.isrc !== undefined)
      values.isrc = fields.isrc === null ? null : normaliseIsrc(fields.isrc);
    if (fields.explicit !== undefined) values.explicit = fields.explicit ? 1 : 0;
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      await this.get(trackId, trx);
      if (Object.keys(values).length > 0) {
        await trx
          .updateTable('catalog_tracks')
          .set({ ...values, updated_at: now })
          .where('id', '=', trackId)
          .execute();
        // Boxes are told title, artist and the rest in their manifests.
        await markBoxesOfTrack(trx, trackId);
      }
      if (rightsHolders !== undefined) await replaceRightsHolders(trx, trackId, rightsHolders);
      await recordAudit(trx, now, {
        actor,
        action: 'catalog.track-update',
        targetType: 'track',
        targetId: trackId,
        details: {
          fields: Object.keys(values),
          ...(rightsHolders ? { rightsHolders: rightsHolders.length } : {}),
        },
      });
      return this.get(trackId, trx);
    });
  }

  /** The preview blob of a track. */
  async previewOf(trackId: string): Promise<{ sha256: string; size: number }> {
    const row = await this.db
      .selectFrom('catalog_tracks')
      .select(['preview_sha256', 'preview_size'])
      .where('id', '=', trackId)
      .executeTakeFirst();
    if (!row) throw notFound(`track ${trackId}`);
    return { sha256: row.preview_sha256, size: row.preview_size };
  }

  /** The cover blob of a track at one of its sizes. */
  async coverOf(trackId: string, size: number): Promise<{ sha256: string; size: number }> {
    const row = await this.db
      .selectFrom('catalog_covers')
      .select(['sha256', 'byte_size'])
      .where('track_id', '=', trackId)
      .where('size_px', '=', size)
      .executeTakeFirst();
    if (!row) throw notFound(`cover ${size} of track ${trackId}`);
    return { sha256: row.sha256, size: row.byte_size };
  }

  async views(
    rows: readonly CatalogTrackRow[],
    db: Kysely<FleetDatabase> = this.db,
  ): Promise<CatalogTrack[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [covers, holders] = await Promise.all([
      db
        .selectFrom('catalog_covers')
        .selectAll()
        .where('track_id', 'in', ids)
        .orderBy('size_px', 'desc')
        .execute(),
      db
        .selectFrom('catalog_rights_holders')
        .selectAll()
        .where('track_id', 'in', ids)
        .orderBy('id')
        .execute(),
    ]);
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      artist: r.artist,
      album: r.album,
      genre: r.genre,
      year: r.year,
      isrc: r.isrc,
      explicit: r.explicit === 1,
      durationMs: r.duration_ms,
      gainDb: r.gain_db,
      loudnessLufs: r.loudness_lufs,
      source: { sha256: r.source_sha256, size: r.source_size },
      delivery: {
        format: decodeJson(r.delivery_format, formatSchema),
        plainSha256: r.plain_sha256,
        plainSize: r.plain_size,
        blobSha256: r.blob_sha256,
        blobSize: r.blob_size,
        chunkSize: r.chunk_size,
      },
      preview: { sha256: r.preview_sha256, size: r.preview_size, url: previewUrl(r.id) },
      covers: covers
        .filter((c) => c.track_id === r.id)
        .map((c) => ({
          size: c.size_px,
          sha256: c.sha256,
          byteSize: c.byte_size,
          url: coverUrl(r.id, c.size_px),
        })),
      rightsHolders: holders
        .filter((h) => h.track_id === r.id)
        .map((h) => ({ role: h.role, name: h.name, shareBp: h.share_bp })),
      createdAt: isoTime(r.created_at),
      updatedAt: isoTime(r.updated_at),
    }));
  }
}

/** Replaces a track's rights holders (already validated: shares per role sum to 10 000). */
export async function replaceRightsHolders(
  db: Kysely<FleetDatabase>,
  trackId: string,
  holders: readonly RightsHolder[],
): Promise<void> {
  await db.deleteFrom('catalog_rights_holders').where('track_id', '=', trackId).execute();
  if (holders.length === 0) return;
  await db
    .insertInto('catalog_rights_holders')
    .values(
      holders.map((h) => ({ track_id: trackId, role: h.role, name: h.name, share_bp: h.shareBp })),
    )
    .execute();
}
