import { lineHeightMm, type Measure } from './canvas.js';
import type { FontRole } from './fonts.js';

/** Type sizes are tried in half-point steps, from the largest down. */
const STEP_PT = 0.5;

export const ELLIPSIS = '…';

/** Sizes from `maxPt` down to `minPt`, in half points. */
export function sizesDown(maxPt: number, minPt: number): number[] {
  const sizes: number[] = [];
  for (let s = maxPt; s >= minPt - 1e-9; s -= STEP_PT) sizes.push(Math.round(s * 2) / 2);
  return sizes;
}

/**
 * Greedy word wrap. `widths[i]` is the room of line i (the last one repeats), which lets a
 * label wrap into a circle. A word wider than its line is cut between characters, so every
 * line fits whatever the text.
 */
export function wrapText(
  text: string,
  widthOf: (s: string) => number,
  widths: number | readonly number[],
): string[] {
  const roomOf = (i: number) =>
    typeof widths === 'number' ? widths : (widths[Math.min(i, widths.length - 1)] ?? 0);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (widthOf(candidate) <= roomOf(lines.length)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    // The word alone: cut it while it is wider than a whole line.
    let rest = word;
    while (widthOf(rest) > roomOf(lines.length)) {
      const head = longestPrefix(rest, widthOf, roomOf(lines.length));
      lines.push(head);
      rest = rest.slice(head.length);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}

/** The longest prefix (at least one character) of `text` no wider than `room`. */
function longestPrefix(text: string, widthOf: (s: string) => number, room: number): string {
  const chars = [...text];
  let lo = 1;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (widthOf(chars.slice(0, mid).join('')) <= room) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('');
}

/** `text` cut and ended with an ellipsis so that it is no wider than `room` (or empty). */
export function truncate(text: string, widthOf: (s: string) => number, room: number): string {
  if (widthOf(text) <= room) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (widthOf(chars.slice(0, mid).join('').trimEnd() + ELLIPSIS) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : chars.slice(0, lo).join('').trimEnd() + ELLIPSIS;
}

export interface FittedLine {
  text: string;
  sizePt: number;
}

/** One line: the largest size at which it fits `room`; at `minPt`, cut with an ellipsis. */
export function fitLine(
  measure: Measure,
  text: string,
  role: FontRole,
  room: number,
  maxPt: number,
  minPt: number,
): FittedLine {
  for (const sizePt of sizesDown(maxPt, minPt)) {
    if (measure(text, role, sizePt) <= room) return { text, sizePt };
  }
  return { text: truncate(text, (s) => measure(s, role, minPt), room), sizePt: minPt };
}

export interface BlockBox {
  widthMm: number;
  heightMm: number;
  maxPt: number;
  minPt: number;
  /** At most this many lines even when more would fit (titles look wrong in 6 lines). */
  maxLines?: number;
}

export interface FittedBlock {
  lines: string[];
  sizePt: number;
}

/**
 * A paragraph in a box: the largest size at which its wrapped lines fit the box. When even
 * `minPt` is too large, the lines that fit are kept and the last one ends with an ellipsis.
 */
export function fitBlock(
  measure: Measure,
  text: string,
  role: FontRole,
  box: BlockBox,
): FittedBlock {
  const maxLinesAt = (sizePt: number) =>
    Math.min(box.maxLines ?? Infinity, Math.floor(box.heightMm / lineHeightMm(sizePt) + 1e-9));
  for (const sizePt of sizesDown(box.maxPt, box.minPt)) {
    const lines = wrapText(text, (s) => measure(s, role, sizePt), box.widthMm);
    if (lines.length <= maxLinesAt(sizePt)) return { lines, sizePt };
  }
  const sizePt = box.minPt;
  const widthOf = (s: string) => measure(s, role, sizePt);
  const keep = Math.max(1, maxLinesAt(sizePt));
  const lines = wrapText(text, widthOf, box.widthMm);
  const kept = lines.slice(0, keep);
  const last = `${kept.pop() ?? ''} ${lines.slice(keep).join(' ')}`.trim();
  kept.push(truncate(last + ELLIPSIS, widthOf, box.widthMm));
  return { lines: kept, sizePt };
}
