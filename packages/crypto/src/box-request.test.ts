import { describe, expect, it } from 'vitest';
import { b64uEncode } from './b64u.js';
import {
  boxRequestSigningString,
  DEFAULT_MAX_SKEW_MS,
  parseBoxRequestHeaders,
  signBoxRequest,
  verifyBoxRequest,
} from './box-request.js';
import { generateBoxIdentity, rawPublicKey } from './keys.js';
import { keyPairFromSeed, RFC8032_TEST1 } from './test-support/fixed-keys.js';

const NOW = 1_700_000_000_000;
const box = generateBoxIdentity();
const publicKey = rawPublicKey(box.signing.publicKey);
const body = Buffer.from('{"records":[]}');

function signed(overrides: { now?: number; body?: Buffer } = {}) {
  return signBoxRequest({
    boxId: 'box-7',
    method: 'post',
    pathAndQuery: '/api/v1/box/telemetry?x=1',
    body: overrides.body ?? body,
    privateKey: box.signing.privateKey,
    now: overrides.now ?? NOW,
  });
}

function check(
  headers: Record<string, string | string[] | undefined>,
  changes: Partial<Parameters<typeof verifyBoxRequest>[0]> = {},
) {
  return verifyBoxRequest({
    headers,
    method: 'POST',
    pathAndQuery: '/api/v1/box/telemetry?x=1',
    body,
    publicKey,
    now: NOW,
    ...changes,
  });
}

describe('box request signing', () => {
  it('builds the contract string', () => {
    expect(boxRequestSigningString({ method: 'get', pathAndQuery: '/a?b=c', timestamp: 12 })).toBe(
      'JUKEBOX-BOX-V1\nGET\n/a?b=c\n12\n' +
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('pins the headers for a fixed key and request', () => {
    const key = keyPairFromSeed('ed25519', RFC8032_TEST1.secret).privateKey;
    const headers = signBoxRequest({
      boxId: 'box-1',
      method: 'GET',
      pathAndQuery: '/api/v1/box/manifest',
      privateKey: key,
      now: NOW,
    });
    expect(headers).toEqual({
      'x-box-id': 'box-1',
      'x-box-timestamp': '1700000000000',
      'x-box-signature': PINNED_SIGNATURE,
    });
  });

  it('accepts a good request, and the edges of the skew window', () => {
    expect(check(signed())).toEqual({ ok: true });
    expect(check(signed({ now: NOW - DEFAULT_MAX_SKEW_MS }))).toEqual({ ok: true });
    expect(check(signed({ now: NOW + DEFAULT_MAX_SKEW_MS }))).toEqual({ ok: true });
  });

  it('refuses skew either way', () => {
    expect(check(signed({ now: NOW - DEFAULT_MAX_SKEW_MS - 1 }))).toEqual({
      ok: false,
      reason: 'skew',
    });
    expect(check(signed({ now: NOW + DEFAULT_MAX_SKEW_MS + 1 }))).toEqual({
      ok: false,
      reason: 'skew',
    });
    expect(check(signed({ now: NOW - 2000 }), { maxSkewMs: 1000 })).toEqual({
      ok: false,
      reason: 'skew',
    });
  });

  it.each([
    ['body', { body: Buffer.from('{"records":[1]}') }],
    ['missing body', { body: undefined }],
    ['path', { pathAndQuery: '/api/v1/box/telemetry?x=2' }],
    ['method', { method: 'PUT' }],
    ['key (another box)', { publicKey: rawPublicKey(generateBoxIdentity().signing.publicKey) }],
  ])('refuses a changed %s', (_name, change) => {
    expect(check(signed(), change)).toEqual({ ok: false, reason: 'signature' });
  });

  it('treats an empty body and no body alike', () => {
    expect(check(signed({ body: Buffer.alloc(0) }), { body: undefined })).toEqual({ ok: true });
  });

  it('refuses a replay under another box id (the signature does not name the box, the key does)', () => {
    const headers = { ...signed(), 'x-box-id': 'box-8' };
    const otherKey = rawPublicKey(generateBoxIdentity().signing.publicKey);
    expect(check(headers, { publicKey: otherKey })).toEqual({ ok: false, reason: 'signature' });
  });

  it('reports missing headers', () => {
    const { 'x-box-signature': _omit, ...rest } = signed();
    expect(check(rest)).toEqual({ ok: false, reason: 'missing' });
    expect(check({})).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['duplicated header', { 'x-box-id': ['box-7', 'box-7'] }],
    ['box id with a space', { 'x-box-id': 'box 7' }],
    ['empty box id', { 'x-box-id': '' }],
    ['timestamp with a sign', { 'x-box-timestamp': '+1700000000000' }],
    ['timestamp in hex', { 'x-box-timestamp': '0x1' }],
    ['timestamp with a leading zero', { 'x-box-timestamp': '01700000000000' }],
    ['timestamp too long', { 'x-box-timestamp': '1'.repeat(17) }],
    ['signature in standard base64', { 'x-box-signature': 'a+b/' + 'A'.repeat(82) }],
    ['signature with padding', { 'x-box-signature': b64uEncode(Buffer.alloc(64)) + '==' }],
    ['short signature', { 'x-box-signature': b64uEncode(Buffer.alloc(63)) }],
  ])('reports a %s as malformed', (_name, change) => {
    expect(check({ ...signed(), ...change })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('parses headers so the server can look the box up first', () => {
    const parsed = parseBoxRequestHeaders(signed());
    expect(parsed).toMatchObject({ ok: true, boxId: 'box-7', timestamp: NOW });
  });

  it('refuses to sign for a malformed box id', () => {
    expect(() =>
      signBoxRequest({
        boxId: 'bad id',
        method: 'GET',
        pathAndQuery: '/',
        privateKey: box.signing.privateKey,
      }),
    ).toThrow(TypeError);
  });
});

/** Computed once, independently, with node:crypto over the contract string; pinned here. */
const PINNED_SIGNATURE =
  'VMhJmqJdAYWPXY2Nd4AHC_F9geB6ne1TrJ5Y7iw0AOxE7tTa9AV_UiTIEcKmIFzou9RViYKsYtRAGiMPDZj-AQ';
