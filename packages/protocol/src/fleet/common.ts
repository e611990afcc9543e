import { z } from 'zod';

/*
 * Building blocks of the box <-> server wire protocol. Every string has a length bound and
 * every array a size bound, so a hostile message is refused before it can balloon memory.
 * No Node APIs here: the protocol package is also loaded by browser code.
 */

const B64U_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True for canonical unpadded base64url: alphabet only, a possible length, and zero bits in
 * the unused low bits of the last character (so each byte string has exactly one spelling;
 * @jukebox/crypto decodes with the same rule).
 */
export function isCanonicalB64u(text: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return false;
  const rest = text.length % 4;
  if (rest === 1) return false;
  if (rest === 0) return true;
  const last = B64U_ALPHABET.indexOf(text.charAt(text.length - 1));
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Characters of unpadded base64url for `bytes` bytes. */
export function b64uLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** Any canonical base64url string up to `maxChars` characters. */
export function b64uString(maxChars: number) {
  return z.string().max(maxChars).refine(isCanonicalB64u, 'not canonical unpadded base64url');
}

/** Canonical base64url of exactly `bytes` bytes. */
export function b64uOfBytes(bytes: number) {
  const chars = b64uLength(bytes);
  return z
    .string()
    .length(chars, `expected base64url of ${bytes} bytes (${chars} characters)`)
    .refine(isCanonicalB64u, 'not canonical unpadded base64url');
}

/** A raw 32-byte Ed25519 or X25519 public key. */
export const publicKeyB64u = b64uOfBytes(32);
/** A 64-byte Ed25519 signature. */
export const signatureB64u = b64uOfBytes(64);
/** A content key wrapped for one box: ephemeral key 32 | nonce 12 | key 32 | tag 16. */
export const wrappedKeyB64u = b64uOfBytes(92);
/** The server's challenge nonce on the control channel: 16 to 64 random bytes. */
export const challengeNonce = z
  .string()
  .min(b64uLength(16))
  .max(b64uLength(64))
  .refine(isCanonicalB64u, 'not canonical unpadded base64url');

/** A SHA-256 digest, lower-case hex: the name of every file a box stores. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'not a lower-case SHA-256 hex digest');

/**
 * Ids issued by the fleet server: 1-64 characters, letters, digits and `._:-`, starting with a
 * letter or digit. Safe in a header, a URL path and a file name. The same rule as `fleetBoxId`
 * (staff API) and @jukebox/crypto's `x-box-id` check; change all three together.
 */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const boxId = z.string().regex(idPattern, 'not a box id');
/** A track in the master catalog; its UTF-8 bytes are the AAD of its wrapped key. */
export const trackId = z.string().regex(idPattern, 'not a track id');
/** Id of a command sent to a box. */
export const commandId = z.string().regex(idPattern, 'not a command id');

/**
 * A point in time on the wire: ISO 8601 in UTC with a `Z` (what `Date.toISOString` writes),
 * so servers can store and order them as text.
 */
export const wireTime = z.iso.datetime({ message: 'not an ISO 8601 UTC time' });

/** Sequence numbers and versions: positive, and exact in a JavaScript number. */
export const positiveSafeInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const nonNegativeSafeInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A software version as a box reports it (semver or a build tag). */
export const softwareVersion = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/, 'not a software version');

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const noControlCharacters = /^[^\u0000-\u001f\u007f]*$/;

/** Short free text shown to staff (names, reasons). Control characters are refused. */
export function shortText(max: number) {
  return z.string().min(1).max(max).regex(noControlCharacters, 'control characters');
}
