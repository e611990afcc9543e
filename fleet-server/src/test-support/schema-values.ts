import type { JsonSchema, OpenApiDocument } from './openapi.js';
import { resolveSchema } from './openapi.js';

/*
 * Values derived from a JSON Schema for the robustness test: a "sample" that has the right
 * shape (not necessarily valid: a pattern may not match), and values of the wrong JSON type
 * that no schema of that type could accept.
 */

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

/** The JSON types a schema admits (integer counts as number for "wrong type" purposes). */
export function admittedTypes(doc: OpenApiDocument, raw: JsonSchema): Set<JsonType> | 'any' {
  const schema = resolveSchema(doc, raw);
  const out = new Set<JsonType>();
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (branches.length) {
    for (const b of branches) {
      const sub = admittedTypes(doc, b);
      if (sub === 'any') return 'any';
      for (const t of sub) out.add(t);
    }
  }
  if (schema.allOf?.length) {
    // An intersection admits at most what its first member admits; good enough here.
    return admittedTypes(doc, schema.allOf[0]!);
  }
  const types =
    schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const t of types) out.add(t as JsonType);
  if (schema.enum) {
    for (const v of schema.enum) out.add(v === null ? 'null' : (typeof v as JsonType));
  }
  if (schema.nullable) out.add('null');
  if (out.size === 0) return 'any';
  if (out.has('integer')) out.add('number');
  return out;
}

/** Values of JSON types the schema does not admit (empty when it admits anything). */
export function wrongTypeValues(doc: OpenApiDocument, schema: JsonSchema): unknown[] {
  const admitted = admittedTypes(doc, schema);
  if (admitted === 'any') return [];
  const candidates: [JsonType, unknown][] = [
    ['string', 'not-a-valid-value'],
    ['number', 12345],
    ['boolean', true],
    ['array', ['x', 1]],
    ['object', { unexpected: { nested: true } }],
    ['null', null],
  ];
  return candidates.filter(([type]) => !admitted.has(type)).map(([, value]) => value);
}

/** A value with the schema's shape, filled with simple values. */
export function sampleValue(doc: OpenApiDocument, raw: JsonSchema, depth = 0): unknown {
  const schema = resolveSchema(doc, raw);
  if (schema.enum?.length) return schema.enum[0];
  const branch = schema.anyOf ?? schema.oneOf;
  if (branch?.length) {
    const nonNull = branch.find((b) => resolveSchema(doc, b).type !== 'null') ?? branch[0]!;
    return sampleValue(doc, nonNull, depth);
  }
  if (schema.allOf?.length) return sampleValue(doc, schema.allOf[0]!, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object': {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        const prop = schema.properties?.[name];
        out[name] = prop ? sampleValue(doc, prop, depth + 1) : 'x';
      }
      return out;
    }
    case 'null':
      return null;
    default: {
      const min = schema.minLength ?? 1;
      return 'sample-value'.padEnd(min, 'x').slice(0, schema.maxLength ?? 1000);
    }
  }
}

/** The object schema behind a body, or undefined when the body is not an object. */
export function objectSchema(doc: OpenApiDocument, raw: JsonSchema): JsonSchema | undefined {
  const schema = resolveSchema(doc, raw);
  return schema.type === 'object' || schema.properties ? schema : undefined;
}
