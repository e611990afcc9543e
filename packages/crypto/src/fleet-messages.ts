/**
 * The two JSON messages a box signs with its identity key: the enrollment request (field
 * `proof`) and the control channel hello (field `signature`). Both sign the canonical JSON of
 * the message without the signature field, so box and server share these helpers instead of
 * each rebuilding the signed bytes.
 */
import type { KeyObject } from 'node:crypto';
import { attachSignature, verifyAttachedSignature } from './signature.js';

/** Adds `proof` to an enrollment request, signed by the box's signing key. */
export function signEnrollmentRequest<T extends { signingPublicKey: string }>(
  request: T,
  signingPrivateKey: KeyObject,
): T & { proof: string } {
  return attachSignature(request, 'proof', signingPrivateKey);
}

/**
 * Checks an enrollment request's `proof` against the `signingPublicKey` it carries: it shows
 * the box holds the private key it is enrolling. (The one-time code is the server's check.)
 */
export function verifyEnrollmentRequest<T extends { signingPublicKey: string; proof: string }>(
  request: T,
): boolean {
  if (typeof request !== 'object' || request === null) return false;
  if (typeof request.signingPublicKey !== 'string') return false;
  return verifyAttachedSignature(request, 'proof', request.signingPublicKey);
}

/** Adds `signature` to a hello that already carries the server's challenge `nonce`. */
export function signHello<T extends { nonce: string }>(
  hello: T,
  signingPrivateKey: KeyObject,
): T & { signature: string } {
  return attachSignature(hello, 'signature', signingPrivateKey);
}

/**
 * Checks a hello: it must echo the nonce this server connection issued (so a recorded hello
 * cannot be replayed on another connection) and be signed by the box's enrolled key.
 */
export function verifyHello<T extends { nonce: string; signature: string }>(
  hello: T,
  expectedNonce: string,
  signingPublicKey: Uint8Array | string | KeyObject,
): boolean {
  if (typeof hello !== 'object' || hello === null) return false;
  if (typeof hello.nonce !== 'string' || hello.nonce !== expectedNonce) return false;
  return verifyAttachedSignature(hello, 'signature', signingPublicKey);
}
