import type { Kysely } from 'kysely';
import { decodeJson } from '@jukebox/db';
import { signedManifest } from '@jukebox/protocol';
import { isoTime } from '../../clock.js';
import type { FleetDatabase } from '../../db/schema.js';
import type { BoxManifestStatus } from '../api.js';
import { manifestBlobs } from './build.js';

/** Parsed blob lists kept in memory: a box downloads many blobs of one manifest in a row. */
const CACHE_ENTRIES = 256;

/**
 * Reading issued manifests: what a box is served, and which blobs it may download. Manifest
 * rows never change once written, so the blob list of (box, version) can be cached in memory
 * without ever going stale, and server processes stay stateless.
 */
export class BoxManifestReader {
  readonly #blobLists = new Map<string, Set<string>>();

  constructor(private readonly db: Kysely<FleetDatabase>) {}

  /** The newest signed manifest of a box, as the JSON text that was signed and stored. */
  async newestJson(boxId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('box_manifests')
      .select('json')
      .where('box_id', '=', boxId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.json;
  }

  /** The newest manifest version of a box; 0 when it has none. */
  async newestVersion(boxId: string): Promise<number> {
    const row = await this.db
      .selectFrom('box_content_heads')
      .select('version')
      .where('box_id', '=', boxId)
      .executeTakeFirst();
    return row?.version ?? 0;
  }

  /**
   * True when `sha256` is listed in the box's newest manifest or the one before it (a box
   * that was mid-download when a new manifest came finishes with the blobs it had started).
   */
  async mayDownload(boxId: string, sha256: string): Promise<boolean> {
    const versions = await this.db
      .selectFrom('box_manifests')
      .select('version')
      .where('box_id', '=', boxId)
      .orderBy('version', 'desc')
      .limit(2)
      .execute();
    for (const { version } of versions) {
      if ((await this.#blobList(boxId, version)).has(sha256)) return true;
    }
    return false;
  }

  /** What staff see of a box's newest manifest, or undefined when it has none. */
  async status(boxId: string): Promise<BoxManifestStatus | undefined> {
    const json = await this.newestJson(boxId);
    if (json === undefined) return undefined;
    const { manifest } = decodeJson(json, signedManifest);
    const dirty = await this.db
      .selectFrom('box_content_dirty')
      .select('changes')
      .where('box_id', '=', boxId)
      .executeTakeFirst();
    return {
      boxId,
      version: manifest.version,
      issuedAt: isoTime(Date.parse(manifest.issuedAt)),
      expiresAt: isoTime(Date.parse(manifest.expiresAt)),
      trackCount: manifest.tracks.length,
      graphicCount: manifest.graphics.length,
      pending: (dirty?.changes ?? 0) > 0,
    };
  }

  async #blobList(boxId: string, version: number): Promise<Set<string>> {
    const key = `${boxId}\n${version}`;
    const cached = this.#blobLists.get(key);
    if (cached) {
      // Refresh its place: the map's order is the eviction order.
      this.#blobLists.delete(key);
      this.#blobLists.set(key, cached);
      return cached;
    }
    const row = await this.db
      .selectFrom('box_manifests')
      .select('json')
      .where('box_id', '=', boxId)
      .where('version', '=', version)
      .executeTakeFirst();
    // Pruned since the version list was read: nothing listed.
    if (!row) return new Set();
    const list = manifestBlobs(decodeJson(row.json, signedManifest).manifest);
    this.#blobLists.set(key, list);
    if (this.#blobLists.size > CACHE_ENTRIES) {
      this.#blobLists.delete(this.#blobLists.keys().next().value!);
    }
    return list;
  }
}
