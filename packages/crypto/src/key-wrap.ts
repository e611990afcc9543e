/**
 * Wrapping a track's content key for one box. The server draws an ephemeral X25519 key pair,
 * agrees a secret with the box's agreement key, derives a one-off AES key with HKDF-SHA256
 * (salt = ephemeral public | box public, info = "jukebox key wrap v1") and seals the content
 * key with AES-256-GCM, the track id as AAD so a wrapped key cannot be moved to another track.
 *
 *     wrapped = b64u( ephemeralPublic (32) | nonce (12) | ciphertext (32) | tag (16) )
 *
 * Only the holder of the box's agreement private key can unwrap, so a manifest (or a disk)
 * copied to another box yields no playable music.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { b64uEncode, tryB64uDecode } from './b64u.js';
import { CONTENT_KEY_LENGTH } from './jbx1/format.js';
import { generateKeyPair, publicKeyFromRaw, rawPublicKey, RAW_PUBLIC_KEY_LENGTH } from './keys.js';

const HKDF_INFO = 'jukebox key wrap v1';
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
export const WRAPPED_KEY_LENGTH =
  RAW_PUBLIC_KEY_LENGTH + NONCE_LENGTH + CONTENT_KEY_LENGTH + TAG_LENGTH;

/** Thrown by {@link unwrapContentKey} on anything but a wrapped key meant for this box+track. */
export class KeyUnwrapError extends Error {
  override name = 'KeyUnwrapError';
}

/** A fresh random 32-byte content key (one per track). */
export function generateContentKey(): Buffer {
  return randomBytes(CONTENT_KEY_LENGTH);
}

function deriveWrapKey(
  privateKey: KeyObject,
  peerPublic: KeyObject,
  ephemeralRaw: Buffer,
  boxRaw: Buffer,
): Buffer {
  const shared = diffieHellman({ privateKey, publicKey: peerPublic });
  const salt = Buffer.concat([ephemeralRaw, boxRaw]);
  return Buffer.from(hkdfSync('sha256', shared, salt, HKDF_INFO, 32));
}

/**
 * Wraps `contentKey` (32 bytes) for the box whose X25519 agreement public key is given (raw
 * 32 bytes or b64u), bound to `trackId`. Returns the b64u string a manifest carries.
 */
export function wrapContentKey(
  contentKey: Uint8Array,
  boxAgreementPublicKey: Uint8Array | string,
  trackId: string,
): string {
  if (!(contentKey instanceof Uint8Array) || contentKey.length !== CONTENT_KEY_LENGTH) {
    throw new TypeError(`content key must be ${CONTENT_KEY_LENGTH} bytes`);
  }
  const boxPublic = publicKeyFromRaw(boxAgreementPublicKey, 'x25519');
  const boxRaw = rawPublicKey(boxPublic);
  const ephemeral = generateKeyPair('x25519');
  const ephemeralRaw = rawPublicKey(ephemeral.publicKey);
  const wrapKey = deriveWrapKey(ephemeral.privateKey, boxPublic, ephemeralRaw, boxRaw);
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', wrapKey, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(trackId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(contentKey), cipher.final(), cipher.getAuthTag()]);
  return b64uEncode(Buffer.concat([ephemeralRaw, nonce, sealed]));
}

/**
 * Unwraps a content key with the box's X25519 agreement private key. Throws
 * {@link KeyUnwrapError} when the value is malformed, was wrapped for another box or another
 * track, or was altered.
 */
export function unwrapContentKey(
  wrapped: string,
  boxAgreementPrivateKey: KeyObject,
  trackId: string,
): Buffer {
  if (
    boxAgreementPrivateKey.type !== 'private' ||
    boxAgreementPrivateKey.asymmetricKeyType !== 'x25519'
  ) {
    throw new TypeError('unwrapContentKey needs the box X25519 private key');
  }
  const bytes = tryB64uDecode(wrapped);
  if (bytes === undefined || bytes.length !== WRAPPED_KEY_LENGTH) {
    throw new KeyUnwrapError('wrapped key is malformed');
  }
  const ephemeralRaw = bytes.subarray(0, RAW_PUBLIC_KEY_LENGTH);
  const nonce = bytes.subarray(RAW_PUBLIC_KEY_LENGTH, RAW_PUBLIC_KEY_LENGTH + NONCE_LENGTH);
  const sealed = bytes.subarray(RAW_PUBLIC_KEY_LENGTH + NONCE_LENGTH);
  const boxRaw = rawPublicKey(createPublicKey(boxAgreementPrivateKey));
  let wrapKey: Buffer;
  try {
    const ephemeral = publicKeyFromRaw(ephemeralRaw, 'x25519');
    wrapKey = deriveWrapKey(boxAgreementPrivateKey, ephemeral, ephemeralRaw, boxRaw);
  } catch {
    // Low-order or otherwise unusable ephemeral points end up here.
    throw new KeyUnwrapError('wrapped key has an unusable ephemeral key');
  }
  const decipher = createDecipheriv('aes-256-gcm', wrapKey, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.from(trackId, 'utf8'));
  decipher.setAuthTag(sealed.subarray(CONTENT_KEY_LENGTH));
  const body = decipher.update(sealed.subarray(0, CONTENT_KEY_LENGTH));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    throw new KeyUnwrapError(
      'wrapped key does not open: wrapped for another box or track, or altered',
    );
  }
}
