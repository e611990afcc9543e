import { describe, expect, it } from 'vitest';
import { b64uEncode } from './b64u.js';
import {
  exportBoxIdentity,
  exportKeyPair,
  generateBoxIdentity,
  generateServerSigningKey,
  importBoxIdentity,
  importKeyPair,
  KeyFormatError,
  keyPairFromRaw,
  publicKeyFromRaw,
  rawPrivateKey,
  rawPublicKey,
  rawPublicKeyB64u,
} from './keys.js';
import { keyPairFromSeed, RFC7748, RFC8032_TEST1 } from './test-support/fixed-keys.js';

describe('box identity', () => {
  it('has an Ed25519 signing pair and an X25519 agreement pair', () => {
    const identity = generateBoxIdentity();
    expect(identity.signing.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(identity.agreement.privateKey.asymmetricKeyType).toBe('x25519');
    expect(rawPublicKey(identity.signing.publicKey)).toHaveLength(32);
    expect(generateServerSigningKey().publicKey.asymmetricKeyType).toBe('ed25519');
  });

  it('survives a JSON round trip', () => {
    const identity = generateBoxIdentity();
    const exported = exportBoxIdentity(identity);
    const restored = importBoxIdentity(JSON.parse(JSON.stringify(exported)) as typeof exported);
    expect(exportBoxIdentity(restored)).toEqual(exported);
    expect(exported.signing.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('exports raw public keys as the RFC test vectors give them', () => {
    const ed = keyPairFromSeed('ed25519', RFC8032_TEST1.secret);
    expect(rawPublicKey(ed.publicKey).toString('hex')).toBe(RFC8032_TEST1.publicKey);
    const x = keyPairFromSeed('x25519', RFC7748.alicePrivate);
    expect(rawPublicKey(x.publicKey).toString('hex')).toBe(RFC7748.alicePublic);
    // And back: raw bytes in, the same key out.
    const back = publicKeyFromRaw(Buffer.from(RFC7748.alicePublic, 'hex'), 'x25519');
    expect(back.equals(x.publicKey)).toBe(true);
    expect(rawPublicKeyB64u(ed.publicKey)).toBe(
      b64uEncode(Buffer.from(RFC8032_TEST1.publicKey, 'hex')),
    );
  });

  it('refuses a pair whose halves do not match', () => {
    const a = exportKeyPair(keyPairFromSeed('ed25519', 1));
    const b = exportKeyPair(keyPairFromSeed('ed25519', 2));
    expect(() =>
      importKeyPair({ publicKey: b.publicKey, privateKey: a.privateKey }, 'ed25519'),
    ).toThrow(KeyFormatError);
  });

  it('refuses a key of the other curve', () => {
    const x = exportKeyPair(keyPairFromSeed('x25519', 1));
    expect(() => importKeyPair(x, 'ed25519')).toThrow(/expected ed25519/);
    const identity = exportBoxIdentity(generateBoxIdentity());
    expect(() =>
      importBoxIdentity({ signing: identity.agreement, agreement: identity.signing }),
    ).toThrow(KeyFormatError);
  });

  it.each([
    ['not an object', null],
    ['missing fields', {}],
    ['bad base64url', { publicKey: 'x', privateKey: 'a+b' }],
    ['not PKCS#8', { publicKey: 'x', privateKey: b64uEncode(Buffer.alloc(48, 7)) }],
  ])('refuses a stored pair that is %s', (_name, value) => {
    expect(() => importKeyPair(value as never, 'ed25519')).toThrow(KeyFormatError);
  });

  it('refuses a malformed raw public key', () => {
    expect(() => publicKeyFromRaw(Buffer.alloc(31), 'ed25519')).toThrow(KeyFormatError);
    expect(() => publicKeyFromRaw('Zm9v', 'x25519')).toThrow(/32 bytes/);
    expect(() => publicKeyFromRaw('a+b', 'x25519')).toThrow(KeyFormatError);
  });
});

describe('raw private keys', () => {
  it('round-trips the RFC 8032 seed and checks the public half', () => {
    const pair = keyPairFromSeed('ed25519', RFC8032_TEST1.secret);
    const raw = rawPrivateKey(pair.privateKey);
    expect(raw.toString('hex')).toBe(RFC8032_TEST1.secret);
    const publicB64u = b64uEncode(Buffer.from(RFC8032_TEST1.publicKey, 'hex'));
    const rebuilt = keyPairFromRaw(raw, publicB64u, 'ed25519');
    expect(rawPublicKeyB64u(rebuilt.publicKey)).toBe(publicB64u);
    expect(rebuilt.privateKey.equals(pair.privateKey)).toBe(true);
  });

  it('refuses a wrong length, a public key of another pair, and a bad public key', () => {
    const a = generateServerSigningKey();
    const b = generateServerSigningKey();
    const raw = rawPrivateKey(a.privateKey);
    expect(() =>
      keyPairFromRaw(raw.subarray(0, 31), rawPublicKeyB64u(a.publicKey), 'ed25519'),
    ).toThrow(/32 bytes/);
    expect(() => keyPairFromRaw(raw, rawPublicKeyB64u(b.publicKey), 'ed25519')).toThrow(
      KeyFormatError,
    );
    expect(() => keyPairFromRaw(raw, 'not base64url!', 'ed25519')).toThrow(KeyFormatError);
  });
});
