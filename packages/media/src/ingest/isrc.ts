/**
 * An ISRC (ISO 3901) in its canonical 12-character form CCOOOYYSSSSS: country (2 letters),
 * registrant (3 letters or digits), year of reference (2 digits), designation (5 digits).
 */
export const ISRC_PATTERN = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;

/**
 * Normalises an ISRC as taggers write it ("us-s1z-99-00001", "ISRC: USS1Z9900001",
 * "US S1Z 99 00001") to the canonical form, or returns null when it is not one. The
 * catalog keys royalties on it, so a value that merely looks close is rejected, not guessed.
 */
export function parseIsrc(raw: string): string | null {
  let value = raw.trim().toUpperCase();
  // Registrars print it with an "ISRC" label; the code itself never starts with "ISRC".
  value = value.replace(/^ISRC[\s:]*/, '');
  value = value.replace(/[\s\-‐‑–.]/g, '');
  return ISRC_PATTERN.test(value) ? value : null;
}
