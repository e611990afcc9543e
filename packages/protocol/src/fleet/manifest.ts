import { z } from 'zod';
import {
  boxId,
  shortText,
  nonNegativeSafeInt,
  positiveSafeInt,
  sha256Hex,
  signatureB64u,
  trackId,
  wireTime,
  wrappedKeyB64u,
} from './common.js';

/*
 * The signed manifest: the complete list of content one box may hold. Everything under
 * `manifest` is covered by the server's signature (over its canonical JSON), so every object
 * here is strict (an unknown key is refused, never ignored) and no schema transforms or
 * defaults a value: the parsed manifest is exactly the signed one.
 */

/** Bounds that keep a manifest parse cheap even when the input is hostile. */
export const MANIFEST_LIMITS = { tracks: 100_000, graphics: 10_000 } as const;

/** ISRC as the catalog stores it: CC OOO YY NNNNN, upper case, without dashes. */
export const normalisedIsrc = z
  .string()
  .regex(/^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$/, 'not a normalised ISRC');

/** JBX1 chunk sizes a box accepts: powers of two from 256 B to 16 MiB (64 KiB by default). */
export const jbx1ChunkSize = z
  .number()
  .int()
  .refine(
    (n) => n >= 256 && n <= 16 * 1024 * 1024 && (n & (n - 1)) === 0,
    'chunk size is a power of two from 256 to 16777216',
  );

export const trackMetadata = z.strictObject({
  title: shortText(300),
  artist: shortText(300),
  album: shortText(300).optional(),
  genre: shortText(100).optional(),
  year: z.number().int().min(1000).max(9999).optional(),
  isrc: normalisedIsrc.optional(),
  explicit: z.boolean(),
  /** Duration of the audio; a day bounds it. */
  durationMs: z
    .number()
    .int()
    .positive()
    .max(24 * 3600 * 1000),
  /** Gain to the loudness target (EBU R128 / ReplayGain 2.0), in dB. */
  gainDb: z.number().min(-60).max(60).optional(),
  /** The cover image, one of this manifest's graphics of kind `cover`. */
  coverSha256: sha256Hex.optional(),
});
export type TrackMetadata = z.infer<typeof trackMetadata>;

/** One track: an encrypted JBX1 blob, named by its SHA-256, and its key wrapped for this box. */
export const manifestTrack = z.strictObject({
  trackId,
  /** SHA-256 (hex) of the ENCRYPTED blob, its content address. */
  sha256: sha256Hex,
  /** Size in bytes of the encrypted blob. */
  size: nonNegativeSafeInt,
  chunkSize: jbx1ChunkSize,
  /** The track's content key wrapped for this box's X25519 key, bound to `trackId`. */
  wrappedKey: wrappedKeyB64u,
  /** SHA-256 (hex) of the plaintext delivery file, for end-to-end checks. */
  plainSha256: sha256Hex.optional(),
  metadata: trackMetadata,
});
export type ManifestTrack = z.infer<typeof manifestTrack>;

/** Cover art, attract-mode slides and UI skins. Stored in clear: they are not licensed audio. */
export const manifestGraphic = z.strictObject({
  sha256: sha256Hex,
  size: nonNegativeSafeInt,
  kind: z.enum(['cover', 'attract', 'skin']),
  name: shortText(200),
});
export type ManifestGraphic = z.infer<typeof manifestGraphic>;

export const fleetManifest = z
  .strictObject({
    boxId,
    /** Increases with every manifest for this box; a box refuses one that goes back. */
    version: positiveSafeInt,
    issuedAt: wireTime,
    /** After this time a box stops accepting this manifest (it keeps playing what it has). */
    expiresAt: wireTime,
    tracks: z.array(manifestTrack).max(MANIFEST_LIMITS.tracks),
    graphics: z.array(manifestGraphic).max(MANIFEST_LIMITS.graphics),
  })
  .superRefine((manifest, ctx) => {
    if (Date.parse(manifest.expiresAt) <= Date.parse(manifest.issuedAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['expiresAt'],
        message: 'expiresAt must be after issuedAt',
      });
    }
    const seen = new Set<string>();
    manifest.tracks.forEach((track, index) => {
      if (seen.has(track.trackId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tracks', index, 'trackId'],
          message: `track ${track.trackId} is listed twice`,
        });
      }
      seen.add(track.trackId);
    });
  });
export type FleetManifest = z.infer<typeof fleetManifest>;

/**
 * What the server hands a box (over HTTP or on a USB bundle). `signature` is the server's
 * Ed25519 signature over canonicalJson(manifest). A box verifies the signature, then parses
 * with this schema, then checks `boxId` is its own and `version` is not older than its last.
 */
export const signedManifest = z.strictObject({
  manifest: fleetManifest,
  signature: signatureB64u,
});
export type SignedManifest = z.infer<typeof signedManifest>;
