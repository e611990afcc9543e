import { describe, expect, it } from 'vitest';
import {
  fleetManifest,
  manifestGraphic,
  manifestTrack,
  MANIFEST_LIMITS,
  signedManifest,
} from './manifest.js';
import { KEY, manifest, SHA, signed, track } from './test-support/examples.js';

function pathOf(result: { error?: { issues: { path: PropertyKey[] }[] } | undefined }) {
  return result.error?.issues[0]?.path.join('.');
}

describe('signed manifest', () => {
  it('accepts a good manifest and returns exactly what was signed', () => {
    const value = signed();
    // No defaults, no transforms: the parsed object is the signed object.
    expect(signedManifest.parse(value)).toStrictEqual(value);
    const minimal = {
      ...track(),
      metadata: { title: 't', artist: 'a', explicit: true, durationMs: 1 },
    };
    const { plainSha256: _p, ...withoutPlain } = minimal;
    expect(manifestTrack.parse(withoutPlain)).toStrictEqual(withoutPlain);
  });

  it('accepts an empty manifest', () => {
    expect(fleetManifest.safeParse({ ...manifest(), tracks: [], graphics: [] }).success).toBe(true);
  });

  it.each([
    ['an unknown key in the wrapper', { ...signed(), note: 'x' }, ''],
    [
      'an unknown key in the manifest',
      { ...signed(), manifest: { ...manifest(), extra: 1 } },
      'manifest',
    ],
    [
      'an unknown key in a track',
      { ...signed(), manifest: { ...manifest(), tracks: [{ ...track(), url: 'http://x' }] } },
      'manifest.tracks.0',
    ],
    [
      'an unknown key in track metadata',
      {
        ...signed(),
        manifest: {
          ...manifest(),
          tracks: [{ ...track(), metadata: { ...track().metadata, price: 0 } }],
        },
      },
      'manifest.tracks.0.metadata',
    ],
    ['a bad signature', { ...signed(), signature: KEY }, 'signature'],
  ])('refuses %s', (_name, value, path) => {
    const r = signedManifest.safeParse(value);
    expect(r.success).toBe(false);
    expect(pathOf(r)).toBe(path);
  });

  const withManifest = (change: Record<string, unknown>) => ({ ...manifest(), ...change });
  it.each([
    ['version 0', { version: 0 }, 'version'],
    ['a negative version', { version: -3 }, 'version'],
    ['a fractional version', { version: 1.5 }, 'version'],
    ['a bad box id', { boxId: '' }, 'boxId'],
    ['a local time', { issuedAt: '2024-05-01T10:00:00' }, 'issuedAt'],
    ['expiry before issue', { expiresAt: '2024-04-01T00:00:00Z' }, 'expiresAt'],
    ['a track listed twice', { tracks: [track('a'), track('a')] }, 'tracks.1.trackId'],
    ['tracks as an object', { tracks: {} }, 'tracks'],
  ])('refuses a manifest with %s', (_name, change, path) => {
    const r = fleetManifest.safeParse(withManifest(change));
    expect(r.success).toBe(false);
    expect(pathOf(r)).toBe(path);
  });

  it('bounds the number of tracks', () => {
    const tracks = Array.from({ length: MANIFEST_LIMITS.tracks + 1 }, () => track());
    const r = fleetManifest.safeParse(withManifest({ tracks }));
    expect(r.success).toBe(false);
    expect(pathOf(r)).toBe('tracks');
  });

  const withTrack = (change: Record<string, unknown>) => ({ ...track(), ...change });
  const withMeta = (change: Record<string, unknown>) =>
    withTrack({ metadata: { ...track().metadata, ...change } });
  it.each([
    ['an upper-case sha256', withTrack({ sha256: SHA.toUpperCase() }), 'sha256'],
    ['a negative size', withTrack({ size: -1 }), 'size'],
    ['a chunk size not a power of two', withTrack({ chunkSize: 65535 }), 'chunkSize'],
    ['a chunk size too large', withTrack({ chunkSize: 2 ** 25 }), 'chunkSize'],
    ['a short wrapped key', withTrack({ wrappedKey: KEY }), 'wrappedKey'],
    ['a missing title', withMeta({ title: undefined }), 'metadata.title'],
    ['an empty artist', withMeta({ artist: '' }), 'metadata.artist'],
    ['a huge title', withMeta({ title: 'x'.repeat(301) }), 'metadata.title'],
    ['a dashed ISRC', withMeta({ isrc: 'GB-AAP-00-00123' }), 'metadata.isrc'],
    ['a string year', withMeta({ year: '1983' }), 'metadata.year'],
    ['a zero duration', withMeta({ durationMs: 0 }), 'metadata.durationMs'],
    ['an absurd gain', withMeta({ gainDb: 90 }), 'metadata.gainDb'],
    ['explicit as a string', withMeta({ explicit: 'no' }), 'metadata.explicit'],
  ])('refuses a track with %s', (_name, value, path) => {
    const r = manifestTrack.safeParse(value);
    expect(r.success).toBe(false);
    expect(pathOf(r)).toBe(path);
  });

  it('graphics', () => {
    const good = { sha256: SHA, size: 1, kind: 'attract', name: 'slide 1' };
    expect(manifestGraphic.parse(good)).toStrictEqual(good);
    expect(pathOf(manifestGraphic.safeParse({ ...good, kind: 'video' }))).toBe('kind');
    expect(pathOf(manifestGraphic.safeParse({ ...good, name: '' }))).toBe('name');
    expect(pathOf(manifestGraphic.safeParse({ ...good, path: '/x' }))).toBe('');
  });
});
