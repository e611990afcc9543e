import { describe, expect, it } from 'vitest';
import {
  b64uLength,
  b64uOfBytes,
  boxId,
  challengeNonce,
  isCanonicalB64u,
  publicKeyB64u,
  sha256Hex,
  signatureB64u,
  softwareVersion,
  wireTime,
} from './common.js';
import { KEY, SIGNATURE } from './test-support/examples.js';

describe('base64url rules', () => {
  it('agrees with the platform encoder on canonical spellings', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Buffer.alloc(n, 0xa5);
      const text = bytes.toString('base64url');
      expect(isCanonicalB64u(text)).toBe(true);
      expect(text).toHaveLength(b64uLength(n));
    }
  });

  it.each([
    ['padding', 'Zg=='],
    ['standard alphabet', 'ab+/'],
    ['impossible length', 'Zm9vY'],
    ['non-zero trailing bits (2 chars)', 'Zh'],
    ['non-zero trailing bits (3 chars)', 'Zm9'],
    ['whitespace', 'Zm 9v'],
  ])('refuses %s', (_name, text) => {
    expect(isCanonicalB64u(text)).toBe(false);
  });

  it('checks exact byte lengths', () => {
    expect(publicKeyB64u.safeParse(KEY).success).toBe(true);
    expect(signatureB64u.safeParse(SIGNATURE).success).toBe(true);
    expect(publicKeyB64u.safeParse(KEY + 'A').success).toBe(false);
    expect(publicKeyB64u.safeParse(SIGNATURE).success).toBe(false);
    expect(b64uOfBytes(3).safeParse('Zm9v').success).toBe(true);
    const r = publicKeyB64u.safeParse('A'.repeat(42) + 'B');
    expect(r.error?.issues[0]?.message).toMatch(/canonical/);
  });

  it('bounds the challenge nonce', () => {
    expect(challengeNonce.safeParse('A'.repeat(22)).success).toBe(true);
    expect(challengeNonce.safeParse('A'.repeat(21)).success).toBe(false);
    expect(challengeNonce.safeParse('A'.repeat(87)).success).toBe(false);
  });
});

describe('ids, digests, times', () => {
  it.each(['box-17', 'b', 'A.b_c:d-9', 'x'.repeat(64)])('accepts the id %s', (id) => {
    expect(boxId.safeParse(id).success).toBe(true);
  });

  it.each(['', '-box', 'box 1', 'box/1', 'x'.repeat(65), 'bøx', '../etc'])(
    'refuses the id %j',
    (id) => {
      expect(boxId.safeParse(id).success).toBe(false);
    },
  );

  it('sha256 is lower-case hex of 64 characters', () => {
    expect(sha256Hex.safeParse('0'.repeat(64)).success).toBe(true);
    expect(sha256Hex.safeParse('A'.repeat(64)).success).toBe(false);
    expect(sha256Hex.safeParse('0'.repeat(63)).success).toBe(false);
  });

  it('times are ISO 8601 UTC', () => {
    expect(wireTime.safeParse(new Date(0).toISOString()).success).toBe(true);
    expect(wireTime.safeParse('2024-05-01T10:00:00Z').success).toBe(true);
    expect(wireTime.safeParse('2024-05-01T10:00:00+02:00').success).toBe(false);
    expect(wireTime.safeParse('yesterday').success).toBe(false);
    expect(wireTime.safeParse(0).success).toBe(false);
  });

  it('software versions', () => {
    expect(softwareVersion.safeParse('1.4.0-rc.1+build.7').success).toBe(true);
    expect(softwareVersion.safeParse('').success).toBe(false);
    expect(softwareVersion.safeParse('1 .0').success).toBe(false);
    expect(softwareVersion.safeParse('1'.repeat(65)).success).toBe(false);
  });
});
