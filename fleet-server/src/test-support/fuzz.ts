import { casesFor, type Expectation, type FuzzCase } from './fuzz-cases.js';
import { operations, type OpenApiDocument, type Operation } from './openapi.js';

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

export type { Expectation, FuzzCase };

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
      // Every expectation excludes 5xx; a network error (status text) is a failure too.
      const ok = typeof status === 'number' && statusOk(c.expect, status);
      // An error must still be the JSON error shape (except 431, which Node sends itself).
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
