import { z } from 'zod';
import { fleetBoxId, fleetId, isoTime, sha256Hex, shortText, trackId } from '@jukebox/protocol';
import { idParam } from '../http-params.js';

/*
 * Request and response schemas of the staff content API (catalog, graphics, content sets).
 * They belong with the other staff schemas in @jukebox/protocol (fleet-staff.ts) once a web
 * console needs them; they live here while this module is the only user.
 */

export const rightsRole = z.enum(['label', 'publisher', 'writer']);
/** Shares are basis points: 10 000 is the whole of a role. */
export const FULL_SHARE_BP = 10_000;

export const rightsHolder = z.strictObject({
  role: rightsRole,
  name: shortText(200),
  shareBp: z.number().int().min(1).max(FULL_SHARE_BP),
});
export type RightsHolder = z.infer<typeof rightsHolder>;

/** Every role that has holders must add up to exactly 10 000 basis points. */
export const rightsHolderList = z
  .array(rightsHolder)
  .max(100)
  .superRefine((holders, ctx) => {
    const sums = new Map<string, number>();
    for (const h of holders) sums.set(h.role, (sums.get(h.role) ?? 0) + h.shareBp);
    for (const [role, sum] of sums) {
      if (sum !== FULL_SHARE_BP) {
        ctx.addIssue({
          code: 'custom',
          message: `the ${role} shares add up to ${sum} basis points, not ${FULL_SHARE_BP}`,
        });
      }
    }
  });

/** ISRC as people type it (dashes, lower case); stored normalised. */
const isrcInput = z
  .string()
  .max(24)
  .regex(
    /^\s*(ISRC[\s:]*)?[A-Za-z]{2}[\s-]?[A-Za-z0-9]{3}[\s-]?\d{2}[\s-]?\d{5}\s*$/i,
    'not an ISRC',
  );

/**
 * Catalog fields staff may set: at upload (the `metadata` part, overriding the file's tags)
 * and later with PATCH. `null` clears an optional field.
 */
export const trackMetadataInput = z.strictObject({
  title: shortText(300).optional(),
  artist: shortText(300).optional(),
  album: shortText(300).nullable().optional(),
  genre: shortText(100).nullable().optional(),
  year: z.number().int().min(1000).max(9999).nullable().optional(),
  isrc: isrcInput.nullable().optional(),
  explicit: z.boolean().optional(),
  /** Replaces the whole list when given. */
  rightsHolders: rightsHolderList.optional(),
});
export type TrackMetadataInput = z.infer<typeof trackMetadataInput>;

export const catalogTrack = z.object({
  id: trackId,
  title: z.string(),
  artist: z.string(),
  album: z.string().nullable(),
  genre: z.string().nullable(),
  year: z.number().int().nullable(),
  isrc: z.string().nullable(),
  explicit: z.boolean(),
  durationMs: z.number().int(),
  gainDb: z.number(),
  loudnessLufs: z.number().nullable(),
  source: z.object({ sha256: sha256Hex, size: z.number().int() }),
  delivery: z.object({
    format: z.record(z.string(), z.unknown()),
    plainSha256: sha256Hex,
    plainSize: z.number().int(),
    /** The encrypted (JBX1) blob boxes download. */
    blobSha256: sha256Hex,
    blobSize: z.number().int(),
    chunkSize: z.number().int(),
  }),
  preview: z.object({ sha256: sha256Hex, size: z.number().int(), url: z.string() }),
  covers: z.array(
    z.object({
      size: z.number().int(),
      sha256: sha256Hex,
      byteSize: z.number().int(),
      url: z.string(),
    }),
  ),
  rightsHolders: z.array(rightsHolder),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type CatalogTrack = z.infer<typeof catalogTrack>;

export const uploadTrackResponse = z.object({
  track: catalogTrack,
  /** True when these exact bytes were uploaded before: the existing track is returned. */
  duplicate: z.boolean(),
  /** What the ingest noticed but did not stop for (a malformed ISRC tag, a small cover). */
  warnings: z.array(z.string()),
});
export type UploadTrackResponse = z.infer<typeof uploadTrackResponse>;

export const trackListQuery = z.strictObject({
  /** Matches title or artist, case-insensitively. */
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const trackListResponse = z.object({
  tracks: z.array(catalogTrack),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const trackParams = z.strictObject({ trackId });
export const coverParams = z.strictObject({
  trackId,
  size: z.coerce.number().int().min(16).max(4096),
});

export const graphicKind = z.enum(['cover', 'attract', 'skin']);
export const graphicId = z.string().regex(/^gfx-[0-9a-f]{20}$/, 'not a graphic id');

export const graphic = z.object({
  id: graphicId,
  kind: graphicKind,
  name: z.string(),
  sha256: sha256Hex,
  size: z.number().int(),
  mimeType: z.string(),
  createdAt: isoTime,
});
export type Graphic = z.infer<typeof graphic>;
export const graphicListResponse = z.object({ graphics: z.array(graphic) });

export const contentSetName = shortText(100);
export const contentSet = z.object({
  id: fleetId,
  name: z.string(),
  trackCount: z.number().int(),
  graphicCount: z.number().int(),
  boxCount: z.number().int(),
  routeIds: z.array(fleetId),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type ContentSet = z.infer<typeof contentSet>;

export const contentSetDetail = contentSet.extend({
  trackIds: z.array(trackId),
  graphicIds: z.array(graphicId),
  boxIds: z.array(fleetBoxId),
});
export type ContentSetDetail = z.infer<typeof contentSetDetail>;

export const contentSetListResponse = z.object({ sets: z.array(contentSet) });
export const createContentSetRequest = z.strictObject({ name: contentSetName });
export const renameContentSetRequest = z.strictObject({ name: contentSetName });
/** Replaces the set's items; every id must exist. */
export const setContentSetItemsRequest = z.strictObject({
  trackIds: z.array(trackId).max(100_000),
  graphicIds: z.array(graphicId).max(10_000),
});
export type SetContentSetItemsRequest = z.infer<typeof setContentSetItemsRequest>;

export const setParams = z.strictObject({ setId: idParam });
export const setBoxParams = z.strictObject({ setId: idParam, boxId: fleetBoxId });
export const setRouteParams = z.strictObject({ setId: idParam, routeId: idParam });

/** What staff see of a box's newest manifest. */
export const boxManifestStatus = z.object({
  boxId: fleetBoxId,
  version: z.number().int(),
  issuedAt: isoTime,
  expiresAt: isoTime,
  trackCount: z.number().int(),
  graphicCount: z.number().int(),
  /** A change is waiting for the next run of the manifest job. */
  pending: z.boolean(),
});
export type BoxManifestStatus = z.infer<typeof boxManifestStatus>;
export const boxParams = z.strictObject({ boxId: fleetBoxId });
