/**
 * Signed manifests: the server signs `canonicalJson(manifest)` with its Ed25519 key and boxes
 * act only on what such a signature covers. This module is agnostic of the manifest's shape
 * (the zod schema lives in @jukebox/protocol); a box should verify first, then parse strictly.
 */
import type { KeyObject } from 'node:crypto';
import { signCanonical, verifyCanonical } from './signature.js';

export interface SignedManifest<M = unknown> {
  manifest: M;
  signature: string;
}

export function signManifest<M extends object>(
  manifest: M,
  serverPrivateKey: KeyObject,
): SignedManifest<M> {
  return { manifest, signature: signCanonical(serverPrivateKey, manifest) };
}

/**
 * True only when `signed` is `{ manifest, signature }` and the signature by the server key
 * (raw 32 bytes, b64u, or KeyObject) covers the manifest exactly. Never throws.
 */
export function verifySignedManifest(
  signed: unknown,
  serverPublicKey: Uint8Array | string | KeyObject,
): boolean {
  if (typeof signed !== 'object' || signed === null) return false;
  const { manifest, signature } = signed as Partial<SignedManifest>;
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return false;
  if (typeof signature !== 'string') return false;
  return verifyCanonical(serverPublicKey, manifest, signature);
}
