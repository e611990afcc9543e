/**
 * Base64url without padding ("b64u"), the one encoding for binary values on the fleet wire.
 *
 * Decoding is strict on purpose: Node's own base64url decoder skips characters it does not
 * know and ignores stray trailing bits, so two different strings could decode to the same
 * bytes. A signature or key that arrives in a non-canonical spelling is refused instead.
 */

const B64U_ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Thrown by {@link b64uDecode} on anything that is not canonical unpadded base64url. */
export class B64uError extends Error {
  override name = 'B64uError';
}

/** Encodes bytes (or a string as UTF-8) as unpadded base64url. */
export function b64uEncode(data: Uint8Array | string): string {
  const buffer =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return buffer.toString('base64url');
}

/**
 * Decodes canonical unpadded base64url. Throws {@link B64uError} on padding, whitespace, a
 * character outside the alphabet, an impossible length, or non-zero trailing bits.
 */
export function b64uDecode(text: string): Buffer {
  if (typeof text !== 'string') throw new B64uError('base64url value must be a string');
  if (!B64U_ALPHABET.test(text)) {
    throw new B64uError('base64url value has a character outside A-Z a-z 0-9 - _ (or padding)');
  }
  // A single leftover character carries only 6 bits: no byte can end there.
  if (text.length % 4 === 1) throw new B64uError('base64url value has an impossible length');
  const bytes = Buffer.from(text, 'base64url');
  // Re-encoding catches non-zero bits in the last character, the one remaining ambiguity.
  if (bytes.toString('base64url') !== text) {
    throw new B64uError('base64url value is not canonical (non-zero trailing bits)');
  }
  return bytes;
}

/**
 * Decodes and checks the length in one step, for keys, nonces and signatures of fixed size.
 * `what` names the value in the error message.
 */
export function b64uDecodeExact(text: string, length: number, what: string): Buffer {
  const bytes = b64uDecode(text);
  if (bytes.length !== length) {
    throw new B64uError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Same as {@link b64uDecode} but returns undefined instead of throwing. */
export function tryB64uDecode(text: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return b64uDecode(text);
  } catch {
    return undefined;
  }
}
