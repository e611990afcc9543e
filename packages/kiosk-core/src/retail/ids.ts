import { randomBytes } from 'node:crypto';
import { TRACKING_ALPHABET, foldCrockford } from '@jukebox/protocol';

/** `count` random Crockford base-32 characters (5 random bits each). */
function randomChars(count: number): string {
  const bytes = randomBytes(count);
  let out = '';
  // 256 is a multiple of 32, so `b & 31` is uniform.
  for (const b of bytes) out += TRACKING_ALPHABET.charAt(b & 31);
  return out;
}

function groups(chars: string, size: number): string {
  return chars.match(new RegExp(`.{1,${size}}`, 'g'))?.join('-') ?? chars;
}

/** A new order tracking number, e.g. `7K3M-9QXP-2D4F` (60 random bits). */
export function newTrackingNumber(): string {
  return groups(randomChars(12), 4);
}

/**
 * The customer-specific recording identifier written into the disc's CD-TEXT: it ties a disc
 * found later to its order without carrying anything personal. 80 random bits.
 */
export function newRecordingId(): string {
  return `R${randomChars(16)}`;
}

/** A voucher code, e.g. `V4QX-82MD-KT9A`: typed by customers, 60 random bits. */
export function newVoucherCode(): string {
  return groups(randomChars(12), 4);
}

/**
 * What a customer typed as a voucher code, as stored: upper case, no spaces or dashes, the
 * letters people confuse with digits (O, I, L) read as the digits.
 */
export function normaliseVoucherCode(text: string): string {
  return groups(foldCrockford(text), 4);
}
