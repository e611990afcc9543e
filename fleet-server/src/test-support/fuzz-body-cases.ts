import fc from 'fast-check';
import type { FuzzCase, Expectation } from './fuzz-cases.js';
import { resolveSchema, type JsonSchema, type OpenApiDocument, type Operation } from './openapi.js';
import { admittedTypes, objectSchema, sampleValue, wrongTypeValues } from './schema-values.js';

/*
 * Body cases of the robustness harness: text that is not JSON, JSON that is not what the
 * schema wants (wrong type, missing field, unknown field, too long, too deep), bodies over
 * the size limit, and seeded random JSON that merely must not cause a 5xx.
 */

function jsonCase(
  base: Pick<FuzzCase, 'operation' | 'method' | 'path'>,
  name: string,
  body: unknown,
  expect: Expectation,
): FuzzCase {
  return {
    ...base,
    name,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    authenticated: true,
    expect,
  };
}

function rawBodyCase(
  base: Pick<FuzzCase, 'operation' | 'method' | 'path'>,
  name: string,
  body: string,
  contentType: string,
  expect: Expectation,
): FuzzCase {
  return {
    ...base,
    name,
    headers: { 'content-type': contentType },
    body,
    authenticated: true,
    expect,
  };
}

/** A copy of `obj` with the value at `path` replaced (or removed when `value` is REMOVE). */
const REMOVE = Symbol('remove');
function withValue(obj: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = { ...(obj as Record<string, unknown>) };
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0 && value === REMOVE) delete copy[head];
  else copy[head] = withValue(copy[head], rest, value);
  return copy;
}

/** Property paths of an object schema, nested objects included (a few levels deep). */
function propertyPaths(
  doc: OpenApiDocument,
  schema: JsonSchema,
  prefix: string[] = [],
): { path: string[]; schema: JsonSchema; required: boolean }[] {
  const out: { path: string[]; schema: JsonSchema; required: boolean }[] = [];
  if (prefix.length > 3) return out;
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const prop = resolveSchema(doc, raw);
    const path = [...prefix, name];
    out.push({ path, schema: prop, required: (schema.required ?? []).includes(name) });
    const nested = objectSchema(doc, prop);
    if (nested && (schema.required ?? []).includes(name))
      out.push(...propertyPaths(doc, nested, path));
  }
  return out;
}

/** Malformed, mistyped, oversized and random bodies for one operation. */
export function bodyCases(
  doc: OpenApiDocument,
  operation: Operation,
  base: Pick<FuzzCase, 'operation' | 'method' | 'path'>,
  options: { bodyLimitBytes: number; seed: number },
): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const hasBody = operation.op.requestBody !== undefined;

  // Bodies that cannot parse, or arrive as something other than JSON.
  const invalidJson = [
    '{',
    '{"a":',
    'nul',
    '[1,2',
    '\u0000',
    '{"a":1}{"b":2}',
    "{'single':'quotes'}",
    '{"a":1,}',
  ];
  for (const text of invalidJson) {
    cases.push(
      rawBodyCase(
        base,
        `invalid JSON ${JSON.stringify(text)}`,
        text,
        'application/json',
        'client-error',
      ),
    );
  }
  cases.push(
    rawBodyCase(
      base,
      'empty JSON body',
      '',
      'application/json',
      hasBody ? 'client-error' : 'no-server-error',
    ),
  );
  cases.push(
    rawBodyCase(
      base,
      'prototype poisoning',
      '{"__proto__":{"isAdmin":true}}',
      'application/json',
      'client-error',
    ),
  );
  cases.push(
    rawBodyCase(
      base,
      'constructor poisoning',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      'application/json',
      'client-error',
    ),
  );
  cases.push(
    rawBodyCase(
      base,
      'deep nesting (100k levels)',
      '['.repeat(100_000) + ']'.repeat(100_000),
      'application/json',
      hasBody ? 'client-error' : 'no-server-error',
    ),
  );
  cases.push(
    rawBodyCase(
      base,
      'body over the limit',
      JSON.stringify({ pad: 'p'.repeat(options.bodyLimitBytes + 1024) }),
      'application/json',
      'client-error',
    ),
  );
  if (hasBody) {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
    ]) {
      cases.push(rawBodyCase(base, `content-type ${type}`, '{}', type, 'client-error'));
    }
  }

  const bodySchema = operation.op.requestBody?.content['application/json']?.schema;
  if (!bodySchema) {
    for (const value of fc.sample(fc.jsonValue({ maxDepth: 3 }), {
      seed: options.seed,
      numRuns: 4,
    })) {
      cases.push(jsonCase(base, 'random JSON to a body-less operation', value, 'no-server-error'));
    }
    return cases;
  }
  const object = objectSchema(doc, bodySchema);
  for (const value of wrongTypeValues(doc, bodySchema)) {
    cases.push(
      jsonCase(base, `body of wrong type ${JSON.stringify(value)}`, value, 'client-error'),
    );
  }
  const sample = sampleValue(doc, bodySchema);
  if (object) {
    const required = object.required ?? [];
    cases.push(
      jsonCase(base, 'empty object', {}, required.length ? 'client-error' : 'no-server-error'),
    );
    cases.push(
      jsonCase(
        base,
        'unknown property',
        { ...(sample as object), zz_unknown_property: 1 },
        object.additionalProperties === false ? 'client-error' : 'no-server-error',
      ),
    );
    for (const prop of propertyPaths(doc, object)) {
      const label = prop.path.join('.');
      if (prop.required) {
        cases.push(
          jsonCase(base, `missing ${label}`, withValue(sample, prop.path, REMOVE), 'client-error'),
        );
      }
      for (const value of wrongTypeValues(doc, prop.schema)) {
        cases.push(
          jsonCase(
            base,
            `${label} of wrong type ${JSON.stringify(value)}`,
            withValue(sample, prop.path, value),
            'client-error',
          ),
        );
      }
      const admitted = admittedTypes(doc, prop.schema);
      if (admitted !== 'any' && admitted.has('string')) {
        const huge = 's'.repeat(100_000);
        const tooLong = prop.schema.maxLength !== undefined && prop.schema.maxLength < huge.length;
        cases.push(
          jsonCase(
            base,
            `${label} huge string`,
            withValue(sample, prop.path, huge),
            tooLong ? 'client-error' : 'no-server-error',
          ),
        );
      }
      if (admitted !== 'any' && !admitted.has('array') && !admitted.has('object')) {
        let deep: unknown = 'bottom';
        for (let i = 0; i < 2000; i++) deep = { d: deep };
        cases.push(
          jsonCase(
            base,
            `${label} deeply nested`,
            withValue(sample, prop.path, deep),
            'client-error',
          ),
        );
      }
      for (const value of fc.sample(fc.jsonValue({ maxDepth: 3 }), {
        seed: options.seed + label.length,
        numRuns: 2,
      })) {
        cases.push(
          jsonCase(
            base,
            `${label} random value`,
            withValue(sample, prop.path, value),
            'no-server-error',
          ),
        );
      }
    }
  }
  for (const value of fc.sample(fc.jsonValue({ maxDepth: 4 }), {
    seed: options.seed,
    numRuns: 6,
  })) {
    cases.push(jsonCase(base, 'random JSON body', value, 'no-server-error'));
  }
  for (const value of fc.sample(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), {
    seed: options.seed + 1,
    numRuns: 4,
  })) {
    cases.push(jsonCase(base, 'random object body', value, 'no-server-error'));
  }
  return cases;
}
