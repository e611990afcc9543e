import { createHash } from 'node:crypto';
import { canonicalJson } from '@jukebox/crypto';
import type { FleetManifest, ManifestGraphic, TrackMetadata } from '@jukebox/protocol';

/*
 * Building a box's manifest from what its content sets hold: pure functions, no database and
 * no keys, so the rules (union of sets, covers as graphics, ordering, what a change is) are
 * tested on their own and the issuer (issuer.ts) only loads, wraps and signs.
 */

/** A catalog track as a manifest lists it, before its key is wrapped for a box. */
export interface ManifestTrackSource {
  trackId: string;
  /** The encrypted blob. */
  sha256: string;
  size: number;
  chunkSize: number;
  plainSha256: string;
  metadata: TrackMetadata;
  /** The track's cover (when it has one): listed among the graphics of every box holding it. */
  cover: ManifestGraphic | null;
}

/** What one content set contributes. */
export interface SetContent {
  tracks: readonly ManifestTrackSource[];
  graphics: readonly ManifestGraphic[];
}

/** What a box should hold: sorted, without duplicates. */
export interface BoxContent {
  tracks: ManifestTrackSource[];
  graphics: ManifestGraphic[];
}

const KIND_ORDER: Record<ManifestGraphic['kind'], number> = { cover: 0, attract: 1, skin: 2 };

/**
 * The union of a box's sets: each track once (by id), each graphic once (by SHA-256: a box
 * stores files by hash, so two entries for one hash would be one file), covers of the tracks
 * added. Sorted (tracks by id, graphics by hash) so equal content gives an equal manifest.
 */
export function assembleBoxContent(sets: readonly SetContent[]): BoxContent {
  const tracks = new Map<string, ManifestTrackSource>();
  const graphics: ManifestGraphic[] = [];
  for (const set of sets) {
    for (const track of set.tracks) {
      tracks.set(track.trackId, track);
      if (track.cover) graphics.push(track.cover);
    }
    graphics.push(...set.graphics);
  }
  // When one image is listed twice (an album's tracks share a cover), the entry kept is
  // chosen by a fixed order, never by which set came first.
  graphics.sort(
    (a, b) =>
      compare(a.sha256, b.sha256) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      compare(a.name, b.name),
  );
  const unique = graphics.filter((g, i) => i === 0 || graphics[i - 1]!.sha256 !== g.sha256);
  return {
    tracks: [...tracks.values()].sort((a, b) => compare(a.trackId, b.trackId)),
    graphics: unique,
  };
}

/**
 * A digest of everything a manifest says except its keys, times and version. Equal digests
 * (for the same box key) mean a new manifest would tell the box nothing new, so none is issued
 * (renewal aside). It depends on the content only, so boxes holding the same sets share it.
 */
export function contentDigest(content: BoxContent): string {
  const body = {
    tracks: content.tracks.map(({ cover: _cover, ...track }) => track),
    graphics: content.graphics,
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export interface ManifestInput {
  boxId: string;
  version: number;
  issuedAt: number;
  expiresAt: number;
  content: BoxContent;
  /** The track's content key wrapped for this box (key-wrap.ts), by track id. */
  wrappedKey(trackId: string): string;
}

/** The manifest to sign, in the shape of the protocol's `fleetManifest`. */
export function buildManifest(input: ManifestInput): FleetManifest {
  return {
    boxId: input.boxId,
    version: input.version,
    issuedAt: new Date(input.issuedAt).toISOString(),
    expiresAt: new Date(input.expiresAt).toISOString(),
    tracks: input.content.tracks.map((t) => ({
      trackId: t.trackId,
      sha256: t.sha256,
      size: t.size,
      chunkSize: t.chunkSize,
      wrappedKey: input.wrappedKey(t.trackId),
      plainSha256: t.plainSha256,
      metadata: t.metadata,
    })),
    graphics: input.content.graphics,
  };
}

/** The SHA-256 names of every blob a manifest lists (what the box may download). */
export function manifestBlobs(manifest: Pick<FleetManifest, 'tracks' | 'graphics'>): Set<string> {
  return new Set([
    ...manifest.tracks.map((t) => t.sha256),
    ...manifest.graphics.map((g) => g.sha256),
  ]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
