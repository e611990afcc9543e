import { describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from './b64u.js';
import {
  signEnrollmentRequest,
  signHello,
  verifyEnrollmentRequest,
  verifyHello,
} from './fleet-messages.js';
import { generateBoxIdentity, generateKeyPair, rawPublicKey, rawPublicKeyB64u } from './keys.js';
import {
  attachSignature,
  sign,
  signCanonical,
  verify,
  verifyAttachedSignature,
  verifyCanonical,
} from './signature.js';
import { keyPairFromSeed, RFC8032_TEST1 } from './test-support/fixed-keys.js';

describe('sign and verify', () => {
  const pair = keyPairFromSeed('ed25519', 1);
  const raw = rawPublicKey(pair.publicKey);

  it('is plain Ed25519: RFC 8032 TEST 1', () => {
    const rfc = keyPairFromSeed('ed25519', RFC8032_TEST1.secret);
    const signature = sign(rfc.privateKey, new Uint8Array(0));
    expect(b64uDecode(signature).toString('hex')).toBe(RFC8032_TEST1.signature);
    expect(verify(Buffer.from(RFC8032_TEST1.publicKey, 'hex'), '', signature)).toBe(true);
  });

  it('verifies with raw bytes, b64u, or a KeyObject', () => {
    const sig = sign(pair.privateKey, Buffer.from('data'));
    expect(verify(raw, 'data', sig)).toBe(true);
    expect(verify(b64uEncode(raw), Buffer.from('data'), b64uDecode(sig))).toBe(true);
    expect(verify(pair.publicKey, 'data', sig)).toBe(true);
    expect(verify(raw, 'datA', sig)).toBe(false);
  });

  it('returns false, never throws, on malformed input', () => {
    const sig = sign(pair.privateKey, 'data');
    const cases: [unknown, unknown, unknown][] = [
      ['not base64url!', 'data', sig],
      [Buffer.alloc(31), 'data', sig],
      [raw, 'data', 'a+b'],
      [raw, 'data', sig.slice(0, -2)],
      [raw, 'data', Buffer.alloc(64)],
      [raw, 42, sig],
      [raw, 'data', 42],
      [pair.privateKey, 'data', sig],
      [generateKeyPair('x25519').publicKey, 'data', sig],
      [null, 'data', sig],
    ];
    for (const [key, data, signature] of cases) {
      expect(verify(key as never, data as never, signature as never)).toBe(false);
    }
  });

  it('refuses to sign with a non-Ed25519 key', () => {
    expect(() => sign(generateKeyPair('x25519').privateKey, 'x')).toThrow(TypeError);
  });

  it('signs canonical JSON, so key order does not matter', () => {
    const sig = signCanonical(pair.privateKey, { a: 1, b: [2] });
    expect(verifyCanonical(raw, { b: [2], a: 1 }, sig)).toBe(true);
    expect(verifyCanonical(raw, { b: [2], a: 2 }, sig)).toBe(false);
    expect(verifyCanonical(raw, { a: 1n }, sig)).toBe(false);
  });

  it('attaches a signature over the other fields', () => {
    const signed = attachSignature({ x: 1, sig: 'old' }, 'sig', pair.privateKey);
    expect(verifyAttachedSignature(signed, 'sig', raw)).toBe(true);
    expect(verifyAttachedSignature({ ...signed, y: 2 }, 'sig', raw)).toBe(false);
    expect(verifyAttachedSignature({ x: 1 }, 'sig', raw)).toBe(false);
    expect(verifyAttachedSignature([] as never, 'sig', raw)).toBe(false);
  });
});

describe('enrollment proof and hello', () => {
  const box = generateBoxIdentity();

  function enrollmentBody() {
    return {
      code: 'ABCD-1234',
      signingPublicKey: rawPublicKeyB64u(box.signing.publicKey),
      agreementPublicKey: rawPublicKeyB64u(box.agreement.publicKey),
      info: { softwareVersion: '1.0.0', name: 'Bar 1' },
    };
  }

  it('a box proves it holds the key it enrolls', () => {
    const request = signEnrollmentRequest(enrollmentBody(), box.signing.privateKey);
    expect(verifyEnrollmentRequest(request)).toBe(true);
    expect(verifyEnrollmentRequest({ ...request, code: 'ABCD-1235' })).toBe(false);
    expect(verifyEnrollmentRequest({ ...request, info: { softwareVersion: '2' } } as never)).toBe(
      false,
    );
  });

  it('a proof by another key is refused', () => {
    const other = generateBoxIdentity();
    const request = signEnrollmentRequest(enrollmentBody(), other.signing.privateKey);
    expect(verifyEnrollmentRequest(request)).toBe(false);
    expect(verifyEnrollmentRequest(null as never)).toBe(false);
    expect(verifyEnrollmentRequest({ proof: 'x' } as never)).toBe(false);
  });

  it('a hello must echo this connection nonce and be signed by the box', () => {
    const hello = signHello(
      { type: 'hello', boxId: 'b1', timestamp: 1, nonce: 'n-1', lastTelemetrySeq: 0 },
      box.signing.privateKey,
    );
    const pub = rawPublicKey(box.signing.publicKey);
    expect(verifyHello(hello, 'n-1', pub)).toBe(true);
    expect(verifyHello(hello, 'n-2', pub)).toBe(false);
    expect(verifyHello({ ...hello, lastTelemetrySeq: 5 }, 'n-1', pub)).toBe(false);
    expect(verifyHello(hello, 'n-1', rawPublicKey(generateBoxIdentity().signing.publicKey))).toBe(
      false,
    );
  });
});
