import { createCipheriv, diffieHellman, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from './b64u.js';
import {
  generateContentKey,
  KeyUnwrapError,
  unwrapContentKey,
  WRAPPED_KEY_LENGTH,
  wrapContentKey,
} from './key-wrap.js';
import { generateBoxIdentity, rawPublicKey, rawPublicKeyB64u } from './keys.js';
import { keyPairFromSeed, RFC7748 } from './test-support/fixed-keys.js';

const box = generateBoxIdentity();
const boxPublic = rawPublicKey(box.agreement.publicKey);

describe('content key wrapping', () => {
  it('round-trips for the box and track it was wrapped for', () => {
    const key = generateContentKey();
    const wrapped = wrapContentKey(key, boxPublic, 'track-1');
    expect(b64uDecode(wrapped)).toHaveLength(WRAPPED_KEY_LENGTH);
    expect(unwrapContentKey(wrapped, box.agreement.privateKey, 'track-1')).toEqual(key);
    const viaB64u = wrapContentKey(key, rawPublicKeyB64u(box.agreement.publicKey), 'track-1');
    expect(unwrapContentKey(viaB64u, box.agreement.privateKey, 'track-1')).toEqual(key);
  });

  it('uses a fresh ephemeral key every time', () => {
    const key = generateContentKey();
    expect(wrapContentKey(key, boxPublic, 't')).not.toBe(wrapContentKey(key, boxPublic, 't'));
  });

  it('follows the contract byte for byte (built by hand from RFC 7748 keys)', () => {
    const ephemeral = keyPairFromSeed('x25519', RFC7748.alicePrivate);
    const boxPair = keyPairFromSeed('x25519', RFC7748.bobPrivate);
    const shared = diffieHellman({
      privateKey: ephemeral.privateKey,
      publicKey: boxPair.publicKey,
    });
    expect(shared.toString('hex')).toBe(RFC7748.shared);
    const ephemeralRaw = Buffer.from(RFC7748.alicePublic, 'hex');
    const boxRaw = Buffer.from(RFC7748.bobPublic, 'hex');
    const wrapKey = Buffer.from(
      hkdfSync('sha256', shared, Buffer.concat([ephemeralRaw, boxRaw]), 'jukebox key wrap v1', 32),
    );
    const nonce = Buffer.alloc(12, 9);
    const contentKey = Buffer.alloc(32, 0xab);
    const cipher = createCipheriv('aes-256-gcm', wrapKey, nonce);
    cipher.setAAD(Buffer.from('trk-42', 'utf8'));
    const sealed = Buffer.concat([cipher.update(contentKey), cipher.final(), cipher.getAuthTag()]);
    const wrapped = b64uEncode(Buffer.concat([ephemeralRaw, nonce, sealed]));
    expect(unwrapContentKey(wrapped, boxPair.privateKey, 'trk-42')).toEqual(contentKey);
    // Pinned once, so a change to HKDF inputs or layout shows up as a diff here.
    expect(wrapped).toBe(PINNED_WRAPPED);
  });

  it('another box cannot unwrap', () => {
    const wrapped = wrapContentKey(generateContentKey(), boxPublic, 'track-1');
    const other = generateBoxIdentity();
    expect(() => unwrapContentKey(wrapped, other.agreement.privateKey, 'track-1')).toThrow(
      KeyUnwrapError,
    );
  });

  it('a key moved to another track does not open', () => {
    const wrapped = wrapContentKey(generateContentKey(), boxPublic, 'track-1');
    expect(() => unwrapContentKey(wrapped, box.agreement.privateKey, 'track-2')).toThrow(
      /another box or track/,
    );
  });

  it('refuses a flipped bit anywhere', () => {
    const bytes = b64uDecode(wrapContentKey(generateContentKey(), boxPublic, 't'));
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i]! ^= 0x01;
      expect(() => unwrapContentKey(b64uEncode(tampered), box.agreement.privateKey, 't')).toThrow(
        KeyUnwrapError,
      );
    }
  });

  it.each([
    ['bad base64url', 'a+b'],
    ['padding', b64uEncode(Buffer.alloc(WRAPPED_KEY_LENGTH)) + '='],
    ['too short', b64uEncode(Buffer.alloc(WRAPPED_KEY_LENGTH - 1))],
    ['too long', b64uEncode(Buffer.alloc(WRAPPED_KEY_LENGTH + 1))],
    ['a low-order ephemeral point', b64uEncode(Buffer.alloc(WRAPPED_KEY_LENGTH))],
  ])('refuses %s with a clear error', (_name, wrapped) => {
    expect(() => unwrapContentKey(wrapped, box.agreement.privateKey, 't')).toThrow(KeyUnwrapError);
  });

  it('refuses wrong key types and sizes', () => {
    expect(() => wrapContentKey(Buffer.alloc(16), boxPublic, 't')).toThrow(TypeError);
    expect(() =>
      wrapContentKey(generateContentKey(), rawPublicKey(box.signing.publicKey).subarray(1), 't'),
    ).toThrow();
    const wrapped = wrapContentKey(generateContentKey(), boxPublic, 't');
    expect(() => unwrapContentKey(wrapped, box.signing.privateKey, 't')).toThrow(TypeError);
  });
});

/** Derived once from the hand-built construction above (all inputs fixed) and pinned. */
const PINNED_WRAPPED =
  'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmoJCQkJCQkJCQkJCQlkCq4Dhti5peglB6Eyi5M24VNbjPvboGDKviOP03H3H5ULKGDkxOiqimlqm5kE3Zg';
