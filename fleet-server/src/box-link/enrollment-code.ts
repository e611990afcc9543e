import { createHash, randomInt } from 'node:crypto';

/**
 * Characters of enrollment codes: digits and capitals without 0/O, 1/I/L and U/V, so a code
 * read off a screen and typed on a box's touch keyboard survives the trip.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
/** 12 characters of a 29-letter alphabet: about 58 bits, far beyond guessing in 72 hours. */
export const CODE_LENGTH = 12;
const GROUP = 4;

/** A fresh one-time code, grouped with dashes: `K7QH-2MXR-9TPD`. */
export function newEnrollmentCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    if (i > 0 && i % GROUP === 0) code += '-';
    code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  }
  return code;
}

/** The code as compared: upper case, dashes dropped (a box may send it either way). */
export function normalizeEnrollmentCode(code: string): string {
  return code.toUpperCase().replace(/-/g, '');
}

/**
 * What the database keeps of a code: its SHA-256. A code is a short-lived secret with enough
 * entropy that an unsalted hash is safe, and a lookup by hash needs no scan.
 */
export function hashEnrollmentCode(code: string): string {
  return createHash('sha256').update(normalizeEnrollmentCode(code), 'utf8').digest('hex');
}
