/*
 * CD-TEXT strings. cdrdao 1.2.4 writes CD-TEXT as ISO 8859-1 (character code 0x00), so every
 * title is first brought into Latin-1, then fitted into the lead-in, then escaped for the TOC.
 */

/**
 * Characters outside Latin-1 that NFKD does not reduce to a Latin-1 one, but that have an
 * obvious Latin rendering: typographic quotes and dashes (titles pasted from the web are
 * full of them), the euro sign, and the Latin letters without a decomposition.
 */
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2022': '\u00b7',
  '\u20ac': 'EUR',
  '\u0110': 'D',
  '\u0111': 'd',
  '\u0126': 'H',
  '\u0127': 'h',
  '\u0131': 'i',
  '\u0141': 'L',
  '\u0142': 'l',
  '\u0152': 'OE',
  '\u0153': 'oe',
  '\u0166': 'T',
  '\u0167': 't',
  '\u1e9e': 'SS',
};

/** The character written for one that has no Latin-1 rendering at all (Cyrillic, CJK, ...). */
export const UNREPRESENTABLE = '?';

/** Printable Latin-1: ASCII without controls, and 0xA0-0xFF (0x80-0x9F are C1 controls). */
function isPrintableLatin1(code: number): boolean {
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
}

/**
 * `text` in printable ISO 8859-1, the only character set cdrdao writes. Latin-1 characters
 * are kept as they are; others are transliterated where a Latin-1 rendering exists (NFKD
 * drops accents and expands ligatures and compatibility forms: "ő" -> "o", "ﬁ" -> "fi",
 * "…" -> "...", "™" -> "TM"; a small table covers curly quotes, dashes, "€", "ł", "œ");
 * invisible format characters and stray combining marks are dropped; anything else becomes "?".
 * Control characters become spaces. `changed` tells the caller
 * to mention it.
 */
export function toLatin1(text: string): { text: string; changed: boolean } {
  let out = '';
  let changed = false;
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (isPrintableLatin1(code)) {
      out += ch;
      continue;
    }
    changed = true;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      out += ' ';
      continue;
    }
    // Zero-width and direction marks, variation selectors, stray combining marks: nothing
    // to show, so nothing to write.
    if (/^[\p{Cf}\p{M}]$/u.test(ch)) continue;
    const mapped = TRANSLITERATIONS[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    const base = [...ch.normalize('NFKD')]
      .filter((c) => isPrintableLatin1(c.codePointAt(0)!))
      .join('');
    out += base === '' ? UNREPRESENTABLE : base;
  }
  return { text: out, changed };
}

/**
 * A Latin-1 string as a cdrdao TOC string literal, quotes included. `"` and `\` are
 * backslash-escaped, bytes above 0x7E are written as three-digit octal escapes (which
 * cdrdao's lexer reads as one byte), so the TOC file itself is plain ASCII and means the
 * same whatever encoding a reader assumes.
 */
export function tocString(latin1: string): string {
  let out = '"';
  for (const ch of latin1) {
    const code = ch.codePointAt(0)!;
    if (code > 0xff || code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      throw new RangeError(`not a printable Latin-1 character: U+${code.toString(16)}`);
    }
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code > 0x7e) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Text packs one language block of CD-TEXT may hold. A block has 256 pack sequence numbers;
 * three go to the size information and one more is kept back, as some encoders count the
 * last sequence number as reserved. Each text pack carries 12 bytes.
 */
export const CD_TEXT_PACK_LIMIT = 252;
export const CD_TEXT_PACK_BYTES = 12;

/**
 * Packs one CD-TEXT item type needs: its strings (disc first, then one per track) run on
 * from pack to pack, each ended by a NUL; an item missing for a track still costs its NUL.
 */
export function packsFor(strings: readonly string[], entries: number): number {
  const bytes = strings.reduce((sum, s) => sum + s.length + 1, 0) + (entries - strings.length);
  return Math.ceil(bytes / CD_TEXT_PACK_BYTES);
}

export interface CdTextInput {
  title: string;
  performer: string;
  recordingId: string;
  tracks: readonly { title: string; performer: string }[];
}

export interface CdText {
  disc: { title: string; performer: string };
  tracks: { title: string; performer: string }[];
  /** What was changed to fit CD-TEXT, one line each, for the caller's log. */
  notes: string[];
}

/**
 * The CD-TEXT a disc gets: every string in Latin-1 (see toLatin1), and the tracks' titles
 * and performers shortened when the whole would not fit one language block (99 tracks with
 * long titles do not). The disc's own strings and the recording id are never shortened;
 * the track strings are cut to the longest common length that fits, so short titles stay
 * whole and only the longest ones lose their ends.
 */
export function fitCdText(input: CdTextInput): CdText {
  const notes: string[] = [];
  const latin = (text: string, what: string): string => {
    const converted = toLatin1(text.trim());
    if (converted.changed) {
      notes.push(`${what}: characters outside ISO 8859-1 transliterated or replaced by "?"`);
    }
    return converted.text;
  };
  const disc = {
    title: latin(input.title, 'disc title'),
    performer: latin(input.performer, 'disc performer'),
  };
  const tracks = input.tracks.map((t, i) => ({
    title: latin(t.title, `track ${i + 1} title`),
    performer: latin(t.performer, `track ${i + 1} performer`),
  }));
  const entries = tracks.length + 1;
  // MESSAGE and DISC_ID both carry the recording id at disc level.
  const fixed = 2 * packsFor([input.recordingId], entries);
  const packsWith = (cap: number) =>
    packsFor([disc.title, ...tracks.map((t) => cut(t.title, cap))], entries) +
    packsFor([disc.performer, ...tracks.map((t) => cut(t.performer, cap))], entries) +
    fixed;
  const longest = Math.max(0, ...tracks.flatMap((t) => [t.title.length, t.performer.length]));
  if (packsWith(longest) <= CD_TEXT_PACK_LIMIT) return { disc, tracks, notes };

  // The largest cap that fits. Validation bounds the disc strings (80) and the recording id
  // (64), so with at most 99 tracks some cap of at least 10 characters always fits.
  let lo = 0;
  let hi = longest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (packsWith(mid) <= CD_TEXT_PACK_LIMIT) lo = mid;
    else hi = mid - 1;
  }
  notes.push(
    `track titles and performers longer than ${lo} characters shortened to fit CD-TEXT ` +
      `(${CD_TEXT_PACK_LIMIT} packs of ${CD_TEXT_PACK_BYTES} bytes)`,
  );
  return {
    disc,
    tracks: tracks.map((t) => ({ title: cut(t.title, lo), performer: cut(t.performer, lo) })),
    notes,
  };
}

function cut(text: string, cap: number): string {
  return text.length <= cap ? text : text.slice(0, cap).trimEnd();
}
