/**
 * Key pairs for the fleet: Ed25519 for signatures (box identity, server manifests) and X25519
 * for key agreement (unwrapping content keys on a box). Keys live in memory as node:crypto
 * KeyObjects; on disk and in databases as a JSON-serialisable form: private keys as b64u of
 * PKCS#8 DER, public keys as b64u of the raw 32 bytes (the form that travels on the wire).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { b64uDecode, b64uDecodeExact, b64uEncode } from './b64u.js';

export type KeyKind = 'ed25519' | 'x25519';

export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** A box's two key pairs, made once on first boot. */
export interface BoxIdentity {
  signing: KeyPair;
  agreement: KeyPair;
}

/** JSON-safe form of a key pair: `publicKey` raw 32-byte b64u, `privateKey` PKCS#8 b64u. */
export interface ExportedKeyPair {
  publicKey: string;
  privateKey: string;
}

export interface ExportedBoxIdentity {
  signing: ExportedKeyPair;
  agreement: ExportedKeyPair;
}

/** Raw public keys of both curves are 32 bytes. */
export const RAW_PUBLIC_KEY_LENGTH = 32;

const JWK_CURVE: Record<KeyKind, string> = { ed25519: 'Ed25519', x25519: 'X25519' };

/** Thrown when stored or received key material is not what it claims to be. */
export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
}

export function generateKeyPair(kind: KeyKind): KeyPair {
  // The overloads of generateKeyPairSync need a literal type per curve.
  const { publicKey, privateKey } =
    kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
  return { publicKey, privateKey };
}

/** A fresh box identity: an Ed25519 signing pair and an X25519 agreement pair. */
export function generateBoxIdentity(): BoxIdentity {
  return { signing: generateKeyPair('ed25519'), agreement: generateKeyPair('x25519') };
}

/** The server's manifest-signing key pair (Ed25519). */
export function generateServerSigningKey(): KeyPair {
  return generateKeyPair('ed25519');
}

/** The raw 32 public-key bytes, the form that travels on the wire. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new KeyFormatError('not an Ed25519/X25519 public key');
  return b64uDecodeExact(jwk.x, RAW_PUBLIC_KEY_LENGTH, 'public key');
}

/** {@link rawPublicKey} as b64u. */
export function rawPublicKeyB64u(publicKey: KeyObject): string {
  return b64uEncode(rawPublicKey(publicKey));
}

/**
 * A public KeyObject from raw 32 bytes (or their b64u). Throws {@link KeyFormatError} on the
 * wrong length, bad base64url, or bytes the curve refuses.
 */
export function publicKeyFromRaw(raw: Uint8Array | string, kind: KeyKind): KeyObject {
  let bytes: Buffer;
  try {
    bytes =
      typeof raw === 'string'
        ? b64uDecodeExact(raw, RAW_PUBLIC_KEY_LENGTH, 'public key')
        : Buffer.from(raw);
  } catch (error) {
    throw new KeyFormatError((error as Error).message);
  }
  if (bytes.length !== RAW_PUBLIC_KEY_LENGTH) {
    throw new KeyFormatError(`public key must be ${RAW_PUBLIC_KEY_LENGTH} bytes`);
  }
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: JWK_CURVE[kind], x: b64uEncode(bytes) },
      format: 'jwk',
    });
  } catch {
    throw new KeyFormatError(`not a valid ${kind} public key`);
  }
}

/** The raw 32-byte private key (the Ed25519 seed, or the X25519 scalar): what a sealer seals. */
export function rawPrivateKey(privateKey: KeyObject): Buffer {
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new KeyFormatError('not an Ed25519/X25519 private key');
  return b64uDecodeExact(jwk.d, RAW_PUBLIC_KEY_LENGTH, 'private key');
}

/**
 * The key pair of `kind` from a raw 32-byte private key and the raw public key (b64u) stored
 * beside it. As with {@link importKeyPair}, the public key is derived from the private one and
 * must match, so mixed-up halves are refused rather than used.
 */
export function keyPairFromRaw(rawPrivate: Uint8Array, publicKey: string, kind: KeyKind): KeyPair {
  if (rawPrivate.length !== RAW_PUBLIC_KEY_LENGTH) {
    throw new KeyFormatError(`private key must be ${RAW_PUBLIC_KEY_LENGTH} bytes`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: JWK_CURVE[kind], d: b64uEncode(rawPrivate), x: publicKey },
      format: 'jwk',
    });
  } catch {
    throw new KeyFormatError(`not a valid ${kind} key pair`);
  }
  const derived = createPublicKey(privateKey);
  if (rawPublicKeyB64u(derived) !== publicKey) {
    throw new KeyFormatError('public key does not belong to the private key');
  }
  return { publicKey: derived, privateKey };
}

export function exportKeyPair(pair: KeyPair): ExportedKeyPair {
  return {
    publicKey: rawPublicKeyB64u(pair.publicKey),
    privateKey: b64uEncode(pair.privateKey.export({ format: 'der', type: 'pkcs8' })),
  };
}

/**
 * Rebuilds a key pair of the given kind from its exported form. The public key is derived from
 * the private one and must match the stored public key, so a file whose halves were mixed up
 * (or a key of the other curve) is refused rather than used.
 */
export function importKeyPair(exported: ExportedKeyPair, kind: KeyKind): KeyPair {
  if (
    typeof exported !== 'object' ||
    exported === null ||
    typeof exported.publicKey !== 'string' ||
    typeof exported.privateKey !== 'string'
  ) {
    throw new KeyFormatError('a key pair needs string publicKey and privateKey');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: b64uDecode(exported.privateKey),
      format: 'der',
      type: 'pkcs8',
    });
  } catch {
    throw new KeyFormatError(`private key is not a PKCS#8 ${kind} key`);
  }
  if (privateKey.asymmetricKeyType !== kind) {
    throw new KeyFormatError(
      `private key is ${privateKey.asymmetricKeyType ?? 'unknown'}, expected ${kind}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  if (rawPublicKeyB64u(publicKey) !== exported.publicKey) {
    throw new KeyFormatError('public key does not belong to the private key');
  }
  return { publicKey, privateKey };
}

export function exportBoxIdentity(identity: BoxIdentity): ExportedBoxIdentity {
  return { signing: exportKeyPair(identity.signing), agreement: exportKeyPair(identity.agreement) };
}

/** Inverse of {@link exportBoxIdentity}; checks both pairs (see {@link importKeyPair}). */
export function importBoxIdentity(exported: ExportedBoxIdentity): BoxIdentity {
  if (typeof exported !== 'object' || exported === null) {
    throw new KeyFormatError('a box identity must be an object');
  }
  return {
    signing: importKeyPair(exported.signing, 'ed25519'),
    agreement: importKeyPair(exported.agreement, 'x25519'),
  };
}
