import type { Generated, Selectable } from 'kysely';

/**
 * Tables of the content side (catalog, blobs, content sets, assignments, manifests): Kysely
 * types, created by migration 0005_content. Owned by the content module. Blobs themselves live
 * in the blob store (content/blob-store.ts), named by SHA-256; these rows only point at them.
 */

/** One track of the master catalog, as ingested once and delivered to many boxes. */
export interface CatalogTracksTable {
  /** `trk-` and 20 hex digits; the AAD of every wrapped copy of its content key. */
  id: string;
  title: string;
  artist: string;
  album: string | null;
  genre: string | null;
  year: number | null;
  /** Normalised (CCOOOYYNNNNN, upper case). */
  isrc: string | null;
  /** 1 explicit, 0 not (integers: SQLite and PostgreSQL disagree on booleans). */
  explicit: number;
  duration_ms: number;
  /** Gain to the loudness target, dB. */
  gain_db: number;
  /** Integrated loudness of the upload, LUFS (null for digital silence). */
  loudness_lufs: number | null;
  /** SHA-256 of the uploaded file: a second upload of the same bytes finds this row. */
  source_sha256: string;
  source_size: number;
  /** JSON: the delivery format from the ingest (codec, bitrate, channels…). */
  delivery_format: string;
  /** SHA-256 and size of the plaintext delivery file (never stored in clear). */
  plain_sha256: string;
  plain_size: number;
  /** The JBX1 blob: the delivery file encrypted once under the track's content key. */
  blob_sha256: string;
  blob_size: number;
  chunk_size: number;
  /**
   * The track's content key, sealed with the server master key (content/master-key.ts):
   * never stored in clear. Unsealing needs FLEET_CONTENT_KEY_SECRET (or the key file).
   */
  sealed_content_key: string;
  /** The retail preview (Ogg Opus, clear). */
  preview_sha256: string;
  preview_size: number;
  created_at: number;
  updated_at: number;
}

/** A track's cover art at one square size (JPEG, clear). */
export interface CatalogCoversTable {
  track_id: string;
  size_px: number;
  sha256: string;
  byte_size: number;
}

export type RightsRole = 'label' | 'publisher' | 'writer';

/** Who is owed royalties for a track; shares per role sum to 10 000 basis points. */
export interface CatalogRightsHoldersTable {
  id: Generated<number>;
  track_id: string;
  role: RightsRole;
  name: string;
  share_bp: number;
}

export type GraphicKind = 'cover' | 'attract' | 'skin';

/** Attract-mode slides, UI skins and stand-alone covers (clear). */
export interface GraphicsTable {
  /** `gfx-` and 20 hex digits. */
  id: string;
  kind: GraphicKind;
  name: string;
  sha256: string;
  size: number;
  mime_type: string;
  created_at: number;
}

export interface ContentSetsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface ContentSetTracksTable {
  set_id: number;
  track_id: string;
}

export interface ContentSetGraphicsTable {
  set_id: number;
  graphic_id: string;
}

/** A set assigned to one box. */
export interface ContentSetBoxesTable {
  set_id: number;
  box_id: string;
  assigned_at: number;
}

/** A set assigned to a route: every box on the route holds it. */
export interface ContentSetRoutesTable {
  set_id: number;
  route_id: number;
  assigned_at: number;
}

/**
 * Signed manifests as issued. Only a box's newest two are kept (the blob endpoint honours the
 * newest and the one before it, for a box that is mid-sync when a new one is issued).
 */
export interface BoxManifestsTable {
  box_id: string;
  /** Strictly increasing per box. */
  version: number;
  issued_at: number;
  expires_at: number;
  /** The signed manifest `{ manifest, signature }` exactly as served. */
  json: string;
}

/**
 * One row per box that has a manifest: what its newest manifest was built from, so "does this
 * box need a new one" is a comparison of digests, and renewal and drift are indexed queries.
 */
export interface BoxContentHeadsTable {
  box_id: string;
  version: number;
  expires_at: number;
  /** SHA-256 over the manifest's content without keys, times or version (manifests/build.ts). */
  content_digest: string;
  /** The box's route when the manifest was built; a change means its sets may differ. */
  route_id: number | null;
  /** The X25519 key the content keys were wrapped for (raw, b64u). */
  agreement_key: string;
}

/**
 * Boxes whose content may have changed. A change (set items, assignments, track metadata)
 * adds 1 in its own transaction; the manifest job subtracts what it saw once it has acted, so
 * a change that lands while the job works on the box is still counted afterwards.
 */
export interface BoxContentDirtyTable {
  box_id: string;
  changes: number;
}

export interface ContentTables {
  catalog_tracks: CatalogTracksTable;
  catalog_covers: CatalogCoversTable;
  catalog_rights_holders: CatalogRightsHoldersTable;
  graphics: GraphicsTable;
  content_sets: ContentSetsTable;
  content_set_tracks: ContentSetTracksTable;
  content_set_graphics: ContentSetGraphicsTable;
  content_set_boxes: ContentSetBoxesTable;
  content_set_routes: ContentSetRoutesTable;
  box_manifests: BoxManifestsTable;
  box_content_heads: BoxContentHeadsTable;
  box_content_dirty: BoxContentDirtyTable;
}

export type CatalogTrackRow = Selectable<CatalogTracksTable>;
export type GraphicRow = Selectable<GraphicsTable>;
export type ContentSetRow = Selectable<ContentSetsTable>;
