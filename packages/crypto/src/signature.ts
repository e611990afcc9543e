/**
 * Ed25519 signatures as used everywhere in the fleet: detached, b64u on the wire, over bytes or
 * over the canonical JSON of a value.
 */
import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { b64uEncode, tryB64uDecode } from './b64u.js';
import { canonicalJson } from './canonical-json.js';
import { publicKeyFromRaw } from './keys.js';

export const SIGNATURE_LENGTH = 64;

/** Bytes to sign: strings are taken as UTF-8. */
export type Signable = Uint8Array | string;

function toBytes(data: Signable): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Signs with an Ed25519 private key; returns the 64-byte signature as b64u. */
export function sign(privateKey: KeyObject, data: Signable): string {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('sign needs an Ed25519 private key');
  }
  // Ed25519 hashes internally, so the digest algorithm must be null.
  return b64uEncode(nodeSign(null, toBytes(data), privateKey));
}

/**
 * Checks an Ed25519 signature. `publicKey` is the raw 32 bytes, their b64u, or a KeyObject;
 * `signature` is b64u or bytes. Never throws: any malformed key, signature or input is simply
 * not a valid signature, so callers at a trust boundary cannot be crashed by a bad message.
 */
export function verify(
  publicKey: Uint8Array | string | KeyObject,
  data: Signable,
  signature: Uint8Array | string,
): boolean {
  try {
    const key =
      typeof publicKey === 'string' || publicKey instanceof Uint8Array
        ? publicKeyFromRaw(publicKey, 'ed25519')
        : publicKey;
    if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') return false;
    const sig = typeof signature === 'string' ? tryB64uDecode(signature) : signature;
    if (!(sig instanceof Uint8Array) || sig.length !== SIGNATURE_LENGTH) return false;
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return false;
    return nodeVerify(null, toBytes(data), key, sig);
  } catch {
    return false;
  }
}

/** Signs `canonicalJson(value)`. */
export function signCanonical(privateKey: KeyObject, value: unknown): string {
  return sign(privateKey, canonicalJson(value));
}

/** Verifies a signature over `canonicalJson(value)`; false (never a throw) on any problem. */
export function verifyCanonical(
  publicKey: Uint8Array | string | KeyObject,
  value: unknown,
  signature: Uint8Array | string,
): boolean {
  let text: string;
  try {
    text = canonicalJson(value);
  } catch {
    return false;
  }
  return verify(publicKey, text, signature);
}

/**
 * Adds a signature field to an object, signing the canonical JSON of the object WITHOUT that
 * field. This is the shape of the enrollment `proof` and of the control channel `hello`.
 */
export function attachSignature<T extends object, F extends string>(
  value: T,
  field: F,
  privateKey: KeyObject,
): T & Record<F, string> {
  const rest = withoutField(value, field);
  return { ...rest, [field]: signCanonical(privateKey, rest) } as T & Record<F, string>;
}

/**
 * Checks a signature attached with {@link attachSignature}. False when the field is missing or
 * not a string, or the signature does not cover exactly the other fields.
 */
export function verifyAttachedSignature(
  value: object,
  field: string,
  publicKey: Uint8Array | string | KeyObject,
): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const signature = (value as Record<string, unknown>)[field];
  if (typeof signature !== 'string') return false;
  return verifyCanonical(publicKey, withoutField(value, field), signature);
}

function withoutField(value: object, field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  delete copy[field];
  return copy;
}
