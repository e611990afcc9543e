/**
 * Well-formed example messages for tests. The keys and signatures are shaped right (canonical
 * base64url of the right length) but are not real keys: these schemas check shapes only.
 */
import type { EnrollmentRequest } from '../enrollment.js';
import type { FleetManifest, ManifestTrack, SignedManifest } from '../manifest.js';
import type { TelemetryRecord } from '../telemetry.js';

export const KEY = 'A'.repeat(42) + 'E'; // 32 bytes
export const SIGNATURE = 'B'.repeat(85) + 'A'; // 64 bytes
export const WRAPPED = 'C'.repeat(122) + 'A'; // 92 bytes
export const NONCE = 'n0nce'.repeat(8) + 'abc'; // 43 chars: 32 bytes
export const SHA = 'ab'.repeat(32);
export const T0 = '2024-05-01T10:00:00.000Z';

export function enrollment(): EnrollmentRequest {
  return {
    code: 'K7QX-22MD',
    signingPublicKey: KEY,
    agreementPublicKey: KEY,
    info: { name: 'Rusty Anchor, back bar', softwareVersion: '1.4.0' },
    proof: SIGNATURE,
  };
}

export function track(id = 'trk-1'): ManifestTrack {
  return {
    trackId: id,
    sha256: SHA,
    size: 4_200_000,
    chunkSize: 65536,
    wrappedKey: WRAPPED,
    plainSha256: 'cd'.repeat(32),
    metadata: {
      title: 'Blue Monday',
      artist: 'New Order',
      album: 'Power, Corruption & Lies',
      genre: 'Synth-pop',
      year: 1983,
      isrc: 'GBAAP0000123',
      explicit: false,
      durationMs: 448_000,
      gainDb: -3.2,
      coverSha256: 'ef'.repeat(32),
    },
  };
}

export function manifest(): FleetManifest {
  return {
    boxId: 'box-17',
    version: 12,
    issuedAt: T0,
    expiresAt: '2024-06-01T10:00:00.000Z',
    tracks: [track('trk-1'), track('trk-2')],
    graphics: [{ sha256: 'ef'.repeat(32), size: 52_000, kind: 'cover', name: 'blue-monday.jpg' }],
  };
}

export function signed(): SignedManifest {
  return { manifest: manifest(), signature: SIGNATURE };
}

export function records(): TelemetryRecord[] {
  return [
    {
      seq: 41,
      at: T0,
      kind: 'play',
      data: {
        playSeq: 7,
        catalogId: 'trk-1',
        localTrackId: 3,
        isrc: 'USRC17607839',
        title: 'Heroes',
        artist: 'David Bowie',
        startedAt: T0,
        endedAt: '2024-05-01T10:07:28.000Z',
        completed: true,
        playedMs: 368000,
        paidCredits: 1,
      },
    },
    {
      seq: 42,
      at: T0,
      kind: 'ledger',
      data: { entrySeq: 9, kind: 'credit', credits: 4, valueCents: 200, denomination: 'EUR2' },
    },
    {
      seq: 43,
      at: T0,
      kind: 'song-request',
      data: { text: 'anything by Kraftwerk', artist: 'Kraftwerk' },
    },
    {
      seq: 44,
      at: T0,
      kind: 'status',
      data: {
        software: '1.4.0',
        diskFreeBytes: 10,
        diskTotalBytes: 100,
        manifestVersion: 12,
        lastSyncAt: T0,
        libraryTracks: 2,
      },
    },
  ];
}
