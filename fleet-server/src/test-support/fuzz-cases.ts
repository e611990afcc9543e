import {
  fillPath,
  plausiblePath,
  plausibleValue,
  resolveSchema,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
} from './openapi.js';
import { admittedTypes } from './schema-values.js';
import { bodyCases } from './fuzz-body-cases.js';

/*
 * The cases the robustness harness sends to one operation: authentication, path and query
 * parameters here, bodies in fuzz-body-cases.ts. Each case says what the answer must be.
 */

/** What a case must get: 401/403, any 4xx, or merely not a 5xx (input that might be valid). */
export type Expectation = 'auth-refused' | 'client-error' | 'no-server-error';

export interface FuzzCase {
  operation: string;
  name: string;
  method: string;
  /** Already encoded (it may be deliberately malformed). */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Send the operation's credentials with this case. */
  authenticated: boolean;
  expect: Expectation;
}

const WRONG_TOKEN = `Bearer ${'Wr0ngT0ken'.repeat(5).slice(0, 43)}`;

/**
 * Whether a text value for a numeric parameter is certainly invalid: not a finite number, a
 * fraction where an integer is wanted, or outside the stated bounds. An empty value is left
 * undecided (coercing schemas read it as 0).
 */
function numericTextInvalid(value: string, schema: JsonSchema): boolean {
  if (value.trim() === '') return false;
  const n = Number(value);
  if (!Number.isFinite(n)) return true;
  const integer =
    schema.type === 'integer' || (Array.isArray(schema.type) && schema.type.includes('integer'));
  if (integer && !Number.isInteger(n)) return true;
  const { minimum, maximum, exclusiveMinimum: exMin, exclusiveMaximum: exMax } = schema;
  if (minimum !== undefined && (n < minimum || (exMin === true && n === minimum))) return true;
  if (maximum !== undefined && (n > maximum || (exMax === true && n === maximum))) return true;
  if (typeof exMin === 'number' && n <= exMin) return true;
  if (typeof exMax === 'number' && n >= exMax) return true;
  return false;
}

/** The malformed cases for one operation. */
export function casesFor(
  doc: OpenApiDocument,
  operation: Operation,
  options: { bodyLimitBytes: number; seed: number },
): FuzzCase[] {
  const id = `${operation.method} ${operation.path}`;
  const path = plausiblePath(operation);
  const base = { operation: id, method: operation.method, path };
  const cases: FuzzCase[] = [];
  const secured = (operation.op.security ?? []).length > 0;
  const hasBody = operation.op.requestBody !== undefined;
  const sendsBody = operation.method !== 'GET';
  const jsonBody: Record<string, string> = hasBody ? { 'content-type': 'application/json' } : {};
  const emptyBody = hasBody ? '{}' : undefined;

  // Authentication: nothing, a wrong token, a malformed header.
  const anonymous: [string, Record<string, string>][] = [
    ['no credentials', {}],
    ['wrong bearer token', { authorization: WRONG_TOKEN }],
    ['malformed authorization header', { authorization: 'Bearer' }],
    ['other auth scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ];
  for (const [name, headers] of anonymous) {
    cases.push({
      ...base,
      name,
      headers: { ...headers, ...jsonBody },
      ...(emptyBody === undefined ? {} : { body: emptyBody }),
      authenticated: false,
      expect: secured ? 'auth-refused' : 'no-server-error',
    });
  }
  // A header bigger than Node accepts (16 KiB): refused before any route runs.
  cases.push({
    ...base,
    name: 'huge header',
    headers: { 'x-filler': 'h'.repeat(20_000) },
    authenticated: false,
    expect: 'client-error',
  });

  // Path parameters.
  for (const param of (operation.op.parameters ?? []).filter((p) => p.in === 'path')) {
    const schema = resolveSchema(doc, param.schema);
    const admitted = admittedTypes(doc, schema);
    const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
    const numeric = admitted !== 'any' && admitted.has('number') && !admitted.has('string');
    const values = [
      'abc',
      '-1',
      '0',
      '1.5',
      '1e400',
      '99999999999999999999',
      'x'.repeat(300),
      '💥',
      'a b',
      '..',
      '%00',
      "1' or '1'='1",
    ];
    for (const value of values) {
      const invalid = numeric
        ? numericTextInvalid(value, schema) || value.length > 100
        : pattern
          ? !pattern.test(value) || value.length > (schema.maxLength ?? Infinity)
          : value.length > 100; // beyond fastify's maxParamLength
      const filled = fillPath(operation.path, (name) =>
        name === param.name
          ? value
          : plausibleValue(
              resolveSchema(
                doc,
                (operation.op.parameters ?? []).find((p) => p.name === name)?.schema ?? {},
              ),
            ),
      );
      cases.push({
        ...base,
        path: filled,
        name: `path ${param.name}=${value.slice(0, 20)}`,
        headers: { ...jsonBody },
        ...(emptyBody === undefined ? {} : { body: emptyBody }),
        authenticated: true,
        expect: invalid ? 'client-error' : 'no-server-error',
      });
    }
    // Malformed percent-encoding, sent raw.
    const raw = operation.path.replace(`{${param.name}}`, '%E0%A4%A').replace(/\{[^}]+\}/g, '1');
    cases.push({
      ...base,
      path: raw,
      name: `path ${param.name} bad percent-encoding`,
      headers: {},
      authenticated: true,
      expect: 'client-error',
    });
  }

  // Query parameters.
  const query = (operation.op.parameters ?? []).filter((p) => p.in === 'query');
  for (const param of query) {
    const admitted = admittedTypes(doc, param.schema);
    const numeric = admitted !== 'any' && admitted.has('number') && !admitted.has('string');
    const schema = resolveSchema(doc, param.schema);
    for (const value of ['abc', '-5', '1.5', '9'.repeat(400), '', '[object Object]']) {
      const invalid = numeric && numericTextInvalid(value, schema);
      cases.push({
        ...base,
        path: `${path}?${param.name}=${encodeURIComponent(value)}`,
        name: `query ${param.name}=${value.slice(0, 20)}`,
        headers: {},
        authenticated: true,
        expect: invalid ? 'client-error' : 'no-server-error',
      });
    }
    cases.push({
      ...base,
      path: `${path}?${param.name}=1&${param.name}=2`,
      name: `query ${param.name} repeated`,
      headers: {},
      authenticated: true,
      expect: numeric ? 'client-error' : 'no-server-error',
    });
  }
  cases.push({
    ...base,
    path: `${path}?zzz_unknown=1&%zz=%`,
    name: 'unknown and malformed query',
    headers: {},
    authenticated: true,
    expect: 'no-server-error',
  });
  cases.push({
    ...base,
    path: `${path}?${'q'.repeat(10_000)}=1`,
    name: 'long query',
    headers: {},
    authenticated: true,
    expect: 'no-server-error',
  });

  if (!sendsBody) return cases;
  return [...cases, ...bodyCases(doc, operation, base, options)];
}
