import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where Debian's `fonts-dejavu-core` puts DejaVu Sans. */
export const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';

/** The two faces every page uses. */
export type FontRole = 'regular' | 'bold';

/**
 * The fonts of a printed page. DejaVu Sans when it is installed: it is embedded (subset) and
 * covers Latin-1, Latin Extended, Greek and Cyrillic, so "Beyoncé", "Motörhead" and "Ærø"
 * print as typed. Otherwise the PDF standard Helvetica, which needs no file but can only show
 * the WinAnsi characters: `clean` folds the others to their unaccented letter, or `?`.
 */
export interface PrintFonts {
  /** What pdfkit's `registerFont` takes: the TrueType bytes, or a standard font's name. */
  readonly files: Record<FontRole, Buffer | string>;
  /** A name for logs: `DejaVu Sans (embedded)` or `Helvetica (standard, WinAnsi only)`. */
  readonly description: string;
  /** Makes a string showable in these fonts. */
  clean(text: string): string;
}

const cache = new Map<string, PrintFonts>();

/** DejaVu Sans from `dir` when both faces are there, else Helvetica. Read once per folder. */
export function loadPrintFonts(dir: string = DEJAVU_DIR): PrintFonts {
  let fonts = cache.get(dir);
  if (!fonts) {
    fonts = readDejaVu(dir) ?? HELVETICA;
    cache.set(dir, fonts);
  }
  return fonts;
}

function readDejaVu(dir: string): PrintFonts | null {
  const regular = path.join(dir, 'DejaVuSans.ttf');
  const bold = path.join(dir, 'DejaVuSans-Bold.ttf');
  if (!existsSync(regular) || !existsSync(bold)) return null;
  return {
    files: { regular: readFileSync(regular), bold: readFileSync(bold) },
    description: 'DejaVu Sans (embedded)',
    clean: (text) => text.normalize('NFC'),
  };
}

/**
 * The characters a standard PDF font can show: ASCII, Latin-1 (U+00A0-U+00FF) and the
 * 27 Windows-1252 extras in 0x80-0x9F (pdfkit encodes the standard fonts as WinAnsi).
 */
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function showableInWinAnsi(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (
    (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(ch)
  );
}

/** Folds what WinAnsi lacks: "Łódź" -> "Lódz" (ó is Latin-1), "Дом" -> "???". */
export function foldToWinAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (showableInWinAnsi(ch)) {
      out += ch;
      continue;
    }
    const base = (FOLDS[ch] ?? ch.normalize('NFD')).replace(/\p{M}/gu, '');
    out += [...base].every(showableInWinAnsi) && base.length > 0 ? base : '?';
  }
  return out;
}

/** Letters that do not decompose into a base letter and a mark. */
const FOLDS: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŀ: 'L',
  ŀ: 'l',
  ŉ: "'n",
  Ŧ: 'T',
  ŧ: 't',
  '‐': '-',
  '‑': '-',
  '′': "'",
  '″': '"',
};

const HELVETICA: PrintFonts = {
  files: { regular: 'Helvetica', bold: 'Helvetica-Bold' },
  description: 'Helvetica (standard, WinAnsi only)',
  clean: foldToWinAnsi,
};
