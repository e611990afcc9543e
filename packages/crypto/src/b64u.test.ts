import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { B64uError, b64uDecode, b64uDecodeExact, b64uEncode, tryB64uDecode } from './b64u.js';

describe('b64u', () => {
  it('matches pinned encodings (RFC 4648 test strings, url alphabet, no padding)', () => {
    expect(b64uEncode('')).toBe('');
    expect(b64uEncode('f')).toBe('Zg');
    expect(b64uEncode('fo')).toBe('Zm8');
    expect(b64uEncode('foo')).toBe('Zm9v');
    expect(b64uEncode('foobar')).toBe('Zm9vYmFy');
    expect(b64uEncode(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
  });

  it('encodes a view of a larger buffer without its neighbours', () => {
    const big = Buffer.from('xxfooxx');
    expect(b64uEncode(big.subarray(2, 5))).toBe('Zm9v');
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(b64uDecode(b64uEncode(bytes)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it.each([
    ['padding', 'Zg=='],
    ['standard alphabet +', 'a+b'],
    ['standard alphabet /', 'a/b'],
    ['whitespace', 'Zm9v Ym'],
    ['newline', 'Zm9v\n'],
    ['impossible length', 'Zm9vY'],
    ['non-zero trailing bits', 'Zh'],
    ['non-ascii', 'Zm9vé'],
  ])('refuses %s', (_name, text) => {
    expect(() => b64uDecode(text)).toThrow(B64uError);
    expect(tryB64uDecode(text)).toBeUndefined();
  });

  it('refuses a non-string', () => {
    expect(() => b64uDecode(42 as unknown as string)).toThrow(B64uError);
    expect(tryB64uDecode(null)).toBeUndefined();
  });

  it('checks exact lengths', () => {
    expect(b64uDecodeExact('Zm9v', 3, 'x')).toEqual(Buffer.from('foo'));
    expect(() => b64uDecodeExact('Zm9v', 4, 'nonce')).toThrow(/nonce must be 4 bytes, got 3/);
  });
});
