import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { Kysely } from 'kysely';
import {
  createEncryptStream,
  DEFAULT_CHUNK_SIZE,
  encryptedSize,
  generateContentKey,
} from '@jukebox/crypto';
import { encodeJson, isUniqueViolation } from '@jukebox/db';
import { ingestTrack, isIngestError, type IngestResult } from '@jukebox/media';
import { trackMetadata, type TrackMetadata } from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../../audit/log.js';
import type { Clock } from '../../clock.js';
import type { FleetDatabase } from '../../db/schema.js';
import { FleetError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { TrackMetadataInput, UploadTrackResponse } from '../api.js';
import type { BlobInfo, BlobStore } from '../blobs/types.js';
import { newTrackId } from '../ids.js';
import type { ContentKeySealer } from '../master-key.js';
import { normaliseIsrc, replaceRightsHolders, type CatalogService } from './catalog.js';
import type { ReceivedFile } from './multipart.js';
import { Slots } from './slots.js';

export interface CatalogIngestDeps {
  db: Kysely<FleetDatabase>;
  clock: Clock;
  log: Logger;
  blobs: BlobStore;
  catalog: CatalogService;
  sealer(): Promise<ContentKeySealer>;
  /** Folder for ingest outputs (one sub-folder per upload). */
  workDir: string;
  maxConcurrent: number;
}

export interface TrackUpload {
  audio: ReceivedFile;
  cover?: ReceivedFile | undefined;
  /** Already validated (rights shares included). */
  metadata: TrackMetadataInput;
}

/**
 * Files an uploaded track into the catalog: a repeat of bytes already in the catalog returns
 * that track; otherwise the media pipeline makes the delivery file, preview and covers, the
 * delivery file is encrypted ONCE under a fresh content key (JBX1, 64 KiB chunks) straight
 * into the blob store, the preview and covers go in clear, and the track row (with the
 * content key sealed by the master key) is written with its rights holders and an audit entry
 * in one transaction. Anything wrong with the upload is a 4xx before a blob is stored.
 */
export class CatalogIngest {
  readonly #slots: Slots;

  constructor(private readonly deps: CatalogIngestDeps) {
    this.#slots = new Slots(deps.maxConcurrent);
  }

  async ingest(
    upload: TrackUpload,
    actor: StaffActor,
    signal?: AbortSignal,
  ): Promise<{ response: UploadTrackResponse; created: boolean }> {
    const existing = await this.deps.catalog.findBySource(upload.audio.sha256);
    if (existing)
      return { response: { track: existing, duplicate: true, warnings: [] }, created: false };
    // Checked before minutes of encoding, not after.
    const isrc = upload.metadata.isrc ? normaliseIsrc(upload.metadata.isrc) : upload.metadata.isrc;

    await mkdir(this.deps.workDir, { recursive: true });
    const outDir = await mkdtemp(path.join(this.deps.workDir, 'out-'));
    try {
      const result = await this.#slots.run(() => this.#runIngest(upload, outDir, signal), signal);
      const metadata = mergeMetadata(result, upload, isrc);
      return await this.#store(upload, result, metadata, actor);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }

  async #runIngest(
    upload: TrackUpload,
    outDir: string,
    signal?: AbortSignal,
  ): Promise<IngestResult> {
    try {
      return await ingestTrack(upload.audio.path, {
        outDir,
        ...(upload.cover ? { cover: upload.cover.path } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (!isIngestError(err)) throw err;
      // The media pipeline names the temporary path; the uploader knows the file by its name.
      const message = err.message
        .split(upload.audio.path)
        .join(upload.audio.filename || 'the upload');
      switch (err.kind) {
        case 'unreadable':
        case 'no_audio':
          throw new FleetError('unsupported_media_type', `not an audio file we accept: ${message}`);
        case 'zero_duration':
        case 'truncated':
        case 'bad_cover':
          throw new FleetError('bad_request', message);
        default:
          throw err;
      }
    }
  }

  async #store(
    upload: TrackUpload,
    result: IngestResult,
    metadata: TrackMetadata,
    actor: StaffActor,
  ): Promise<{ response: UploadTrackResponse; created: boolean }> {
    const { db, blobs, clock } = this.deps;
    const trackId = newTrackId();
    const contentKey = generateContentKey();
    const sealed = (await this.deps.sealer()).seal(contentKey, trackId);
    const encrypted = await this.#encrypt(
      result.delivery.path,
      result.delivery.sizeBytes,
      contentKey,
    );
    try {
      const preview = await blobs.put({ file: result.preview.path });
      const covers: (BlobInfo & { sizePx: number })[] = [];
      for (const image of result.cover?.images ?? []) {
        covers.push({ ...(await blobs.put({ file: image.path })), sizePx: image.size });
      }
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('catalog_tracks')
          .values({
            id: trackId,
            title: metadata.title,
            artist: metadata.artist,
            album: metadata.album ?? null,
            genre: metadata.genre ?? null,
            year: metadata.year ?? null,
            isrc: metadata.isrc ?? null,
            explicit: metadata.explicit ? 1 : 0,
            duration_ms: metadata.durationMs,
            gain_db: metadata.gainDb ?? 0,
            loudness_lufs: Number.isFinite(result.loudness.integratedLufs)
              ? result.loudness.integratedLufs
              : null,
            source_sha256: upload.audio.sha256,
            source_size: upload.audio.size,
            delivery_format: encodeJson(result.delivery.format),
            plain_sha256: result.delivery.sha256,
            plain_size: result.delivery.sizeBytes,
            blob_sha256: encrypted.sha256,
            blob_size: encrypted.size,
            chunk_size: DEFAULT_CHUNK_SIZE,
            sealed_content_key: sealed,
            preview_sha256: preview.sha256,
            preview_size: preview.size,
            created_at: now,
            updated_at: now,
          })
          .execute();
        if (covers.length > 0) {
          await trx
            .insertInto('catalog_covers')
            .values(
              covers.map((c) => ({
                track_id: trackId,
                size_px: c.sizePx,
                sha256: c.sha256,
                byte_size: c.size,
              })),
            )
            .execute();
        }
        await replaceRightsHolders(trx, trackId, upload.metadata.rightsHolders ?? []);
        await recordAudit(trx, now, {
          actor,
          action: 'catalog.track-create',
          targetType: 'track',
          targetId: trackId,
          details: { title: metadata.title, artist: metadata.artist, source: upload.audio.sha256 },
        });
      });
    } catch (err) {
      // The encrypted blob is this upload's alone (its key is fresh); previews and covers may
      // be shared with a track made from the same bytes, so they stay.
      await blobs.delete(encrypted.sha256).catch(() => undefined);
      if (isUniqueViolation(err)) {
        // The same bytes were filed by a concurrent upload a moment ago.
        const winner = await this.deps.catalog.findBySource(upload.audio.sha256);
        if (winner)
          return { response: { track: winner, duplicate: true, warnings: [] }, created: false };
      }
      throw err;
    }
    return {
      response: {
        track: await this.deps.catalog.get(trackId),
        duplicate: false,
        warnings: result.warnings,
      },
      created: true,
    };
  }

  /** Encrypts the delivery file into the blob store in one pass (no clear copy is stored). */
  async #encrypt(file: string, plaintextLength: number, key: Buffer): Promise<BlobInfo> {
    const encrypt = createEncryptStream({ key, plaintextLength, chunkSize: DEFAULT_CHUNK_SIZE });
    // pipeline() hands errors of the file read to the encrypt stream, which the store reads.
    const blob = await this.deps.blobs.put(
      pipeline(createReadStream(file), encrypt, () => undefined),
    );
    const expected = encryptedSize(plaintextLength, DEFAULT_CHUNK_SIZE);
    if (blob.size !== expected) {
      await this.deps.blobs.delete(blob.sha256);
      throw new Error(`encrypted ${blob.size} bytes, expected ${expected}`);
    }
    return blob;
  }
}

/**
 * The catalog metadata of an ingested track: the staff's `metadata` over the file's tags.
 * The title falls back to the file name; an artist is required (a catalog entry by nobody
 * cannot be searched for or paid out). Checked against the manifest's own rules, so nothing
 * filed here can make a manifest a box refuses.
 */
export function mergeMetadata(
  result: IngestResult,
  upload: Pick<TrackUpload, 'audio' | 'metadata'>,
  isrc: string | null | undefined,
): TrackMetadata {
  const given = upload.metadata;
  const tags = result.metadata;
  const stem = path.basename(upload.audio.filename, path.extname(upload.audio.filename)).trim();
  const pick = <T>(override: T | null | undefined, tag: T | null): T | undefined =>
    override === null ? undefined : (override ?? tag ?? undefined);
  const candidate = {
    title: given.title ?? tags.title ?? (stem || undefined),
    artist: given.artist ?? tags.artist ?? tags.albumArtist ?? undefined,
    album: pick(given.album, tags.album),
    // Tags allow longer genres than the manifest (100); a long one is cut, not refused.
    genre: pick(
      given.genre,
      tags.genre === null ? null : Array.from(tags.genre).slice(0, 100).join('').trim(),
    ),
    year: pick(given.year, tags.year),
    isrc: pick(isrc, tags.isrc),
    explicit: given.explicit ?? tags.explicit,
    durationMs: result.durations.deliveryMs,
    gainDb: result.loudness.gainDb,
  };
  if (candidate.artist === undefined) {
    throw new FleetError(
      'bad_request',
      'the file has no artist tag: send one in the metadata part ({"artist": "…"})',
    );
  }
  const clean = Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined));
  const parsed = trackMetadata.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetError(
      'bad_request',
      `the track's metadata is not usable: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
