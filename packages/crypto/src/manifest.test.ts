import { describe, expect, it } from 'vitest';
import { generateServerSigningKey, rawPublicKey, rawPublicKeyB64u } from './keys.js';
import { signManifest, verifySignedManifest } from './manifest.js';

const server = generateServerSigningKey();
const serverPublic = rawPublicKey(server.publicKey);

function manifest() {
  return {
    boxId: 'box-1',
    version: 3,
    issuedAt: '2024-05-01T00:00:00.000Z',
    expiresAt: '2024-06-01T00:00:00.000Z',
    tracks: [{ trackId: 't1', sha256: 'a'.repeat(64), size: 100 }],
    graphics: [],
  };
}

describe('signed manifests', () => {
  it('verifies what the server signed, also after a JSON round trip', () => {
    const signed = signManifest(manifest(), server.privateKey);
    expect(verifySignedManifest(signed, serverPublic)).toBe(true);
    expect(
      verifySignedManifest(JSON.parse(JSON.stringify(signed)), rawPublicKeyB64u(server.publicKey)),
    ).toBe(true);
  });

  it('refuses any change to the manifest', () => {
    const signed = signManifest(manifest(), server.privateKey);
    const changed = structuredClone(signed);
    changed.manifest.tracks[0]!.size = 101;
    expect(verifySignedManifest(changed, serverPublic)).toBe(false);
    expect(
      verifySignedManifest({ ...signed, manifest: { ...signed.manifest, extra: 1 } }, serverPublic),
    ).toBe(false);
    expect(
      verifySignedManifest(
        { ...signed, manifest: { ...signed.manifest, version: 4 } },
        serverPublic,
      ),
    ).toBe(false);
  });

  it('refuses another server key', () => {
    const signed = signManifest(manifest(), generateServerSigningKey().privateKey);
    expect(verifySignedManifest(signed, serverPublic)).toBe(false);
  });

  it.each([
    ['null', null],
    ['a string', 'manifest'],
    ['no signature', { manifest: manifest() }],
    ['an array manifest', { manifest: [], signature: 'AA' }],
    ['a bad signature encoding', { manifest: manifest(), signature: '!!' }],
  ])('refuses %s without throwing', (_name, value) => {
    expect(verifySignedManifest(value, serverPublic)).toBe(false);
  });
});
