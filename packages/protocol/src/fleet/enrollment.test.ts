import { describe, expect, it } from 'vitest';
import { enrollmentRequest, enrollmentResponse } from './enrollment.js';
import { enrollment, KEY, SIGNATURE } from './test-support/examples.js';

describe('enrollment', () => {
  it('accepts a good request and keeps it exactly (it is signed)', () => {
    const value = enrollment();
    expect(enrollmentRequest.parse(value)).toStrictEqual(value);
    const { name: _name, ...info } = value.info;
    expect(enrollmentRequest.safeParse({ ...value, info }).success).toBe(true);
  });

  it.each([
    ['an unknown key', { extra: 1 }, ['']],
    ['a short code', { code: 'abc' }, ['code']],
    ['a code with spaces', { code: 'AB CD' }, ['code']],
    ['a wrong-length key', { signingPublicKey: SIGNATURE }, ['signingPublicKey']],
    ['a padded key', { agreementPublicKey: KEY + '=' }, ['agreementPublicKey']],
    ['no proof', { proof: undefined }, ['proof']],
    ['an unknown info key', { info: { softwareVersion: '1', os: 'x' } }, ['info']],
    ['a name with a newline', { info: { softwareVersion: '1', name: 'a\nb' } }, ['info', 'name']],
    ['a long name', { info: { softwareVersion: '1', name: 'x'.repeat(101) } }, ['info', 'name']],
    ['no software version', { info: {} }, ['info', 'softwareVersion']],
  ])('refuses %s, naming the path', (_name, change, path) => {
    const r = enrollmentRequest.safeParse({ ...enrollment(), ...change });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe(path.join('.'));
  });

  it('response', () => {
    expect(enrollmentResponse.parse({ boxId: 'box-1', serverSigningPublicKey: KEY })).toEqual({
      boxId: 'box-1',
      serverSigningPublicKey: KEY,
    });
    expect(
      enrollmentResponse.safeParse({ boxId: 'box 1', serverSigningPublicKey: KEY }).success,
    ).toBe(false);
  });
});
