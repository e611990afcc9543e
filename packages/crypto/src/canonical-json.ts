/**
 * Canonical JSON: the exact bytes every fleet signature covers (box proofs, hellos, manifests).
 *
 * Object keys are sorted recursively by UTF-16 code units (the order of `Array.prototype.sort`
 * and of RFC 8785), there is no whitespace, and numbers and strings are written as
 * `JSON.stringify` writes them. Properties whose value is `undefined` are left out, as JSON
 * itself would; everything JSON cannot represent faithfully throws instead of being silently
 * changed, because a signer and a verifier that disagree about a value must fail loudly.
 */

/** Thrown by {@link canonicalJson} for a value JSON cannot carry. `path` locates it. */
export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path}`);
  }
}

/**
 * Serialises `value` canonically. Throws {@link CanonicalJsonError} on `undefined` (at the top
 * or in an array), NaN, ±Infinity, BigInt, functions, symbols, cycles, and objects that are
 * neither plain objects nor arrays (Map, Set, class instances), unless they define `toJSON`
 * (Date does), which is honoured the way `JSON.stringify` honours it.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, '', '$', new Set<object>(), parts);
  return parts.join('');
}

function write(
  value: unknown,
  key: string,
  path: string,
  ancestors: Set<object>,
  out: string[],
): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} is not JSON`, path);
      out.push(JSON.stringify(value));
      return;
    case 'undefined':
      throw new CanonicalJsonError('undefined is not JSON', path);
    case 'bigint':
      throw new CanonicalJsonError('BigInt is not JSON', path);
    case 'function':
      throw new CanonicalJsonError('a function is not JSON', path);
    case 'symbol':
      throw new CanonicalJsonError('a symbol is not JSON', path);
    case 'object':
      break;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (ancestors.has(object)) throw new CanonicalJsonError('cycle', path);

  const toJson = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') {
    ancestors.add(object);
    write(toJson.call(object, key), key, path, ancestors, out);
    ancestors.delete(object);
    return;
  }

  ancestors.add(object);
  if (Array.isArray(object)) {
    out.push('[');
    for (let i = 0; i < object.length; i++) {
      if (i > 0) out.push(',');
      write(object[i], String(i), `${path}[${i}]`, ancestors, out);
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(object) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (object.constructor as { name?: string } | undefined)?.name ?? 'object';
      throw new CanonicalJsonError(`a ${name} is not a plain object`, path);
    }
    const record = object as Record<string, unknown>;
    const names = Object.keys(record).sort();
    out.push('{');
    let first = true;
    for (const name of names) {
      const child = record[name];
      if (child === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(name), ':');
      write(child, name, `${path}.${name}`, ancestors, out);
    }
    out.push('}');
  }
  ancestors.delete(object);
}
