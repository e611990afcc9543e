import { fleetManifest, type ManifestGraphic } from '@jukebox/protocol';
import { describe, expect, it } from 'vitest';
import {
  assembleBoxContent,
  buildManifest,
  contentDigest,
  manifestBlobs,
  type ManifestTrackSource,
} from './build.js';

const hex = (c: string) => c.repeat(64);

function track(id: string, blob: string, cover?: string): ManifestTrackSource {
  return {
    trackId: id,
    sha256: hex(blob),
    size: 1000,
    chunkSize: 65_536,
    plainSha256: hex('f'),
    metadata: {
      title: `Title ${id}`,
      artist: 'Artist',
      explicit: false,
      durationMs: 1000,
      gainDb: -1.5,
      ...(cover ? { coverSha256: hex(cover) } : {}),
    },
    cover: cover ? { sha256: hex(cover), size: 50, kind: 'cover', name: `cover of ${id}` } : null,
  };
}

const slide: ManifestGraphic = { sha256: hex('9'), size: 10, kind: 'attract', name: 'Slide' };

describe('assembleBoxContent', () => {
  it('takes the union of the sets, each track and each image once, sorted', () => {
    const a = track('trk-b', '1', 'c');
    const b = track('trk-a', '2', 'c'); // the same album cover
    const content = assembleBoxContent([
      { tracks: [a], graphics: [slide] },
      { tracks: [b, a], graphics: [slide] },
    ]);
    expect(content.tracks.map((t) => t.trackId)).toEqual(['trk-a', 'trk-b']);
    expect(content.graphics.map((g) => g.sha256)).toEqual([hex('9'), hex('c')]);
  });

  it('keeps the same entry for a shared image whatever the order of the sets', () => {
    const asCover: ManifestGraphic = { sha256: hex('9'), size: 10, kind: 'cover', name: 'Z' };
    const one = assembleBoxContent([{ tracks: [], graphics: [slide, asCover] }]);
    const two = assembleBoxContent([
      { tracks: [], graphics: [asCover] },
      { tracks: [], graphics: [slide] },
    ]);
    expect(one).toEqual(two);
    expect(one.graphics).toEqual([asCover]);
  });
});

describe('contentDigest', () => {
  it('is equal for equal content and changes with any field a box is told', () => {
    const base = assembleBoxContent([{ tracks: [track('trk-a', '1')], graphics: [slide] }]);
    const same = assembleBoxContent([{ tracks: [track('trk-a', '1')], graphics: [slide] }]);
    expect(contentDigest(base)).toBe(contentDigest(same));
    const renamed = track('trk-a', '1');
    renamed.metadata.title = 'Another title';
    expect(contentDigest(assembleBoxContent([{ tracks: [renamed], graphics: [slide] }]))).not.toBe(
      contentDigest(base),
    );
    expect(
      contentDigest(assembleBoxContent([{ tracks: [track('trk-a', '1')], graphics: [] }])),
    ).not.toBe(contentDigest(base));
  });
});

describe('buildManifest', () => {
  it('makes a manifest the protocol schema accepts, keys wrapped per track', () => {
    const content = assembleBoxContent([{ tracks: [track('trk-a', '1', 'c')], graphics: [slide] }]);
    const manifest = buildManifest({
      boxId: 'box-1',
      version: 3,
      issuedAt: Date.UTC(2026, 0, 1),
      expiresAt: Date.UTC(2026, 0, 31),
      content,
      wrappedKey: (id) => (id === 'trk-a' ? 'A'.repeat(123) : 'x'),
    });
    expect(fleetManifest.safeParse(manifest).success).toBe(true);
    expect(manifest).toMatchObject({
      boxId: 'box-1',
      version: 3,
      issuedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-31T00:00:00.000Z',
    });
    expect(manifest.tracks[0]).toMatchObject({ trackId: 'trk-a', wrappedKey: 'A'.repeat(123) });
    expect(manifest.tracks[0]).not.toHaveProperty('cover');
    expect(manifestBlobs(manifest)).toEqual(new Set([hex('1'), hex('9'), hex('c')]));
  });
});
