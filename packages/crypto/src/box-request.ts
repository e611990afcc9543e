/**
 * HTTP request authentication for enrolled boxes. Each request carries three headers:
 * `x-box-id`, `x-box-timestamp` (ms since the epoch, decimal) and `x-box-signature`, the b64u
 * Ed25519 signature over
 *
 *     JUKEBOX-BOX-V1\n{METHOD}\n{pathAndQuery}\n{timestamp}\n{sha256 hex of the raw body}
 *
 * The body hash binds the signature to the exact bytes sent, the path and method to the
 * endpoint, and the timestamp bounds how long a captured request can be replayed.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { tryB64uDecode } from './b64u.js';
import { sign, SIGNATURE_LENGTH, verify } from './signature.js';

export const BOX_ID_HEADER = 'x-box-id';
export const BOX_TIMESTAMP_HEADER = 'x-box-timestamp';
export const BOX_SIGNATURE_HEADER = 'x-box-signature';

/** The contract's limit: a request more than 5 minutes off the server clock is refused. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

const SIGNING_PREFIX = 'JUKEBOX-BOX-V1';

/**
 * Box ids as the fleet issues them. Kept in step with `fleetId` in @jukebox/protocol (which
 * this package cannot import); a header outside it is malformed before any lookup happens.
 */
const BOX_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** Up to 16 digits: any ms timestamp until the year 318857, and always a safe integer. */
const TIMESTAMP_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

export type RequestBody = Uint8Array | string | undefined | null;

// A type alias, not an interface, so it is assignable to IncomingHeaders (index signature).
export type BoxRequestHeaders = {
  'x-box-id': string;
  'x-box-timestamp': string;
  'x-box-signature': string;
};

/** Header values as Node's IncomingHttpHeaders (and fastify) present them: lower-case keys. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

export type BoxRequestFailure = 'missing' | 'malformed' | 'skew' | 'signature';
export type BoxRequestVerdict = { ok: true } | { ok: false; reason: BoxRequestFailure };

function sha256Hex(body: RequestBody): string {
  const hash = createHash('sha256');
  if (body != null) hash.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return hash.digest('hex');
}

/** The exact string a box signs (see the module comment). The method is upper-cased. */
export function boxRequestSigningString(params: {
  method: string;
  pathAndQuery: string;
  timestamp: number | string;
  body?: RequestBody;
}): string {
  return [
    SIGNING_PREFIX,
    params.method.toUpperCase(),
    params.pathAndQuery,
    String(params.timestamp),
    sha256Hex(params.body),
  ].join('\n');
}

/** The three headers for one request. `now` (ms) defaults to the clock. */
export function signBoxRequest(params: {
  boxId: string;
  method: string;
  pathAndQuery: string;
  body?: RequestBody;
  privateKey: KeyObject;
  now?: number;
}): BoxRequestHeaders {
  if (!BOX_ID_PATTERN.test(params.boxId)) throw new TypeError('box id is not a fleet id');
  const timestamp = String(Math.trunc(params.now ?? Date.now()));
  const text = boxRequestSigningString({ ...params, timestamp });
  return {
    'x-box-id': params.boxId,
    'x-box-timestamp': timestamp,
    'x-box-signature': sign(params.privateKey, text),
  };
}

export type ParsedBoxHeaders =
  | { ok: true; boxId: string; timestamp: number; timestampText: string; signature: string }
  | { ok: false; reason: 'missing' | 'malformed' };

/**
 * Reads the three headers without checking the signature, so a server can look the box up
 * (unknown, revoked) before it verifies. Duplicated headers count as malformed.
 */
export function parseBoxRequestHeaders(headers: IncomingHeaders): ParsedBoxHeaders {
  const boxId = headers[BOX_ID_HEADER];
  const timestamp = headers[BOX_TIMESTAMP_HEADER];
  const signature = headers[BOX_SIGNATURE_HEADER];
  if (boxId === undefined || timestamp === undefined || signature === undefined) {
    return { ok: false, reason: 'missing' };
  }
  if (typeof boxId !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  if (!BOX_ID_PATTERN.test(boxId) || !TIMESTAMP_PATTERN.test(timestamp)) {
    return { ok: false, reason: 'malformed' };
  }
  const sigBytes = tryB64uDecode(signature);
  if (sigBytes === undefined || sigBytes.length !== SIGNATURE_LENGTH) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, boxId, timestamp: Number(timestamp), timestampText: timestamp, signature };
}

/**
 * Verifies a box request against the box's signing public key (raw, b64u or KeyObject).
 * The caller must already have matched `x-box-id` to that key (see
 * {@link parseBoxRequestHeaders}). Reasons: `missing` header, `malformed` header, clock `skew`
 * beyond `maxSkewMs` (default 5 minutes) either way, or a bad `signature`.
 */
export function verifyBoxRequest(params: {
  headers: IncomingHeaders;
  method: string;
  pathAndQuery: string;
  body?: RequestBody;
  publicKey: Uint8Array | string | KeyObject;
  now?: number;
  maxSkewMs?: number;
}): BoxRequestVerdict {
  const parsed = parseBoxRequestHeaders(params.headers);
  if (!parsed.ok) return parsed;
  const now = params.now ?? Date.now();
  const maxSkew = params.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now - parsed.timestamp) > maxSkew) return { ok: false, reason: 'skew' };
  const text = boxRequestSigningString({
    method: params.method,
    pathAndQuery: params.pathAndQuery,
    // The text as received, so the check covers exactly what the box signed.
    timestamp: parsed.timestampText,
    body: params.body,
  });
  return verify(params.publicKey, text, parsed.signature)
    ? { ok: true }
    : { ok: false, reason: 'signature' };
}
