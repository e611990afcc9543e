/**
 * HTTP `Range` for blob downloads (RFC 9110 section 14). Boxes resume interrupted downloads
 * with `bytes=N-`; `bytes=N-M` and suffix ranges `bytes=-N` are served too. A request for
 * several ranges is answered with the whole blob (a server may ignore Range, and no client of
 * ours asks for several), as is a unit other than bytes.
 */
export type RangeDecision =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const BYTES_PREFIX = /^\s*bytes\s*=/i;
const ONE_RANGE = /^\s*(\d*)\s*-\s*(\d*)\s*$/;

/** Decides what to send for a `Range` header over a blob of `size` bytes. */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined || header.trim() === '') return { kind: 'full' };
  if (!BYTES_PREFIX.test(header)) return { kind: 'full' };
  const spec = header.replace(BYTES_PREFIX, '');
  if (spec.includes(',')) return { kind: 'full' };
  const m = ONE_RANGE.exec(spec);
  if (!m) return { kind: 'unsatisfiable' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'unsatisfiable' };
  if (first === '') {
    // Suffix: the last N bytes (all of them when N is larger than the blob).
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  if (last === '') return { kind: 'partial', start, end: size - 1 };
  const end = Number(last);
  if (end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/** `Content-Range` of a partial answer. */
export function contentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`;
}

/** `Content-Range` of a 416 answer, telling the client the real length. */
export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
