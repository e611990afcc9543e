import fc from 'fast-check';
import {
  fillPath,
  operations,
  plausiblePath,
  plausibleValue,
  resolveSchema,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
} from './openapi.js';
import { admittedTypes, objectSchema, sampleValue, wrongTypeValues } from './schema-values.js';

/*
 * A robustness harness driven by the server's own /openapi.json: for every operation it sends
 * requests without credentials, with a wrong token, and a few dozen malformed inputs derived
 * from the operation's schemas. It knows nothing about particular routes, so endpoints added
 * later are covered as soon as they appear in the document.
 *
 * Rules checked: never a 5xx or a dropped connection; 401/403 without valid credentials on
 * every operation that declares security; 4xx for input that cannot be valid; and every
 * operation declares its security (`[]` for public ones).
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

export interface FuzzFailure {
  case: Omit<FuzzCase, 'body'> & { body?: string };
  status: number | string;
  response: string;
}

export interface FuzzOptions {
  baseUrl: string;
  /** Valid credentials for an operation (fresh per operation, so logout cannot spoil the rest). */
  credentials(operation: Operation): Promise<Record<string, string> | undefined>;
  /** Largest body the server accepts; a body beyond it must get 413. */
  bodyLimitBytes: number;
  seed?: number;
}

export interface FuzzReport {
  operations: number;
  cases: number;
  failures: FuzzFailure[];
}

const WRONG_TOKEN = `Bearer ${'Wr0ngT0ken'.repeat(5).slice(0, 43)}`;

function statusOk(expect: Expectation, status: number): boolean {
  switch (expect) {
    case 'auth-refused':
      return status === 401 || status === 403;
    case 'client-error':
      return status >= 400 && status < 500;
    case 'no-server-error':
      return status < 500;
  }
}

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

async function send(baseUrl: string, c: FuzzCase, credentials: Record<string, string> | undefined) {
  const headers = { ...c.headers, ...(c.authenticated ? credentials : {}) };
  try {
    const res = await fetch(baseUrl + c.path, {
      method: c.method,
      headers,
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return {
      status: `network error: ${(err as Error).message} ${String((err as Error).cause ?? '')}`,
      text: '',
    };
  }
}

/** Runs every case of every operation; returns what broke the rules (nothing, hopefully). */
export async function runFuzz(doc: OpenApiDocument, options: FuzzOptions): Promise<FuzzReport> {
  const failures: FuzzFailure[] = [];
  const ops = operations(doc);
  let count = 0;
  for (const operation of ops) {
    const id = `${operation.method} ${operation.path}`;
    if (operation.op.security === undefined) {
      failures.push({
        case: {
          operation: id,
          name: 'declares security',
          method: operation.method,
          path: operation.path,
          headers: {},
          authenticated: false,
          expect: 'auth-refused',
        },
        status: 'no security field',
        response:
          'every operation states its security: a guard, or publicRoute ([]) if it is public',
      });
    }
    const credentials = await options.credentials(operation);
    for (const c of casesFor(doc, operation, {
      bodyLimitBytes: options.bodyLimitBytes,
      seed: options.seed ?? 42,
    })) {
      count++;
      const { status, text } = await send(options.baseUrl, c, credentials);
      const ok =
        typeof status === 'number' && statusOk(c.expect, status) && (status < 500 ? true : false);
      // A 4xx must still be the JSON error shape (except where Node answers before fastify).
      const shaped =
        typeof status !== 'number' ||
        status < 400 ||
        status === 431 ||
        /^\{"error":\{"code":"/.test(text);
      if (!ok || !shaped) {
        const { body, ...rest } = c;
        failures.push({
          case: { ...rest, ...(body === undefined ? {} : { body: body.slice(0, 200) }) },
          status,
          response: text.slice(0, 300),
        });
      }
    }
    // The server must still be alive and well after each operation's cases.
    const health = await fetch(`${options.baseUrl}/healthz`).then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    if (health !== 200) {
      failures.push({
        case: {
          operation: id,
          name: 'alive afterwards',
          method: 'GET',
          path: '/healthz',
          headers: {},
          authenticated: false,
          expect: 'no-server-error',
        },
        status: health,
        response: '',
      });
      break;
    }
  }
  return { operations: ops.length, cases: count, failures };
}
