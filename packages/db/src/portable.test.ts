import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeJson, encodeJson, StoredJsonError } from './portable.js';

describe('JSON columns', () => {
  const schema = z.object({ a: z.number(), tags: z.array(z.string()) });

  it('round-trips a value through its schema', () => {
    const text = encodeJson({ a: 1, tags: ['x'] });
    expect(decodeJson(text, schema)).toEqual({ a: 1, tags: ['x'] });
  });

  it('refuses to encode what JSON cannot hold', () => {
    expect(() => encodeJson(undefined)).toThrow(TypeError);
  });

  it.each([['{not json'], ['{"a":"1","tags":[]}'], ['null'], ['']])(
    'reports a bad stored value %j as StoredJsonError',
    (text) => {
      expect(() => decodeJson(text, schema)).toThrow(StoredJsonError);
    },
  );
});
