import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from './canonical-json.js';

describe('canonicalJson', () => {
  it('matches pinned outputs', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0, y: -1.5 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":-1.5,"z":0}}',
    );
    expect(canonicalJson('é\u2028"\\\n')).toBe('"é\u2028\\"\\\\\\n"');
    expect(canonicalJson([1e21, 1e-7, -0, 0.1])).toBe('[1e+21,1e-7,0,0.1]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson(null)).toBe('null');
  });

  it('sorts keys by UTF-16 code units, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, '\u00e9': 4, '\ud83d\ude00': 5, '\uff5e': 6 })).toBe(
      '{"B":2,"a":3,"b":1,"é":4,"😀":5,"～":6}',
    );
  });

  it('leaves out undefined properties, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('honours toJSON (a Date becomes its ISO string)', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe(
      '{"at":"2024-01-02T03:04:05.000Z"}',
    );
  });

  it('keeps __proto__ from parsed JSON as an ordinary key', () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"a":1}') as unknown;
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":1}');
  });

  it('allows shared (non-cyclic) references', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"k":1},"b":[{"k":1}]}');
  });

  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = { back: cyclic };
  it.each([
    ['top-level undefined', undefined, '$'],
    ['undefined in an array', [1, undefined], '$[1]'],
    ['NaN', { n: Number.NaN }, '$.n'],
    ['Infinity', [Infinity], '$[0]'],
    ['-Infinity', -Infinity, '$'],
    ['BigInt', { big: 10n }, '$.big'],
    ['a function', { f: () => 1 }, '$.f'],
    ['a symbol', [Symbol('s')], '$[0]'],
    ['a cycle', cyclic, '$.self.back'],
    ['a Map', { m: new Map() }, '$.m'],
    ['a class instance', new (class Thing {})(), '$'],
  ])('throws on %s with its path', (_name, value, path) => {
    let error: unknown;
    try {
      canonicalJson(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CanonicalJsonError);
    expect((error as CanonicalJsonError).path).toBe(path);
  });

  it('parses back to an equal value and is stable under key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reparsed = JSON.parse(text) as unknown;
        expect(canonicalJson(reparsed)).toBe(text);
        expect(text).toBe(canonicalJson(JSON.parse(JSON.stringify(value)) as unknown));
      }),
    );
  });
});
