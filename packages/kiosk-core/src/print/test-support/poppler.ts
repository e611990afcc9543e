import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PT_PER_MM } from '../canvas.js';

/*
 * The PDFs are checked with the tools a print shop would trust: poppler's pdftoppm (the page
 * as pixels), pdftotext (the text a reader extracts) and zbar's zbarimg (the QR code as a
 * phone would read it). Debian: poppler-utils, zbar-tools (scripts/setup.sh installs them).
 */

export interface Rendered {
  pdf: string;
  png: string;
  width: number;
  height: number;
}

/** Writes `pdf` to `dir/name.pdf` and renders it with `pdftoppm -png -r 100`. */
export function renderPng(pdf: Buffer, dir: string, name: string): Rendered {
  const pdfPath = path.join(dir, `${name}.pdf`);
  writeFileSync(pdfPath, pdf);
  const prefix = path.join(dir, name);
  execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', pdfPath, prefix]);
  const png = `${prefix}.png`;
  return { pdf: pdfPath, png, ...pngSize(png) };
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(file: string): { width: number; height: number } {
  const head = readFileSync(file).subarray(0, 24);
  if (head.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** Pixels pdftoppm makes of `mm` at 100 dpi (it rounds a partial pixel up). */
export function pixelsAt100Dpi(mm: number): number {
  return Math.ceil((mm / 25.4) * 100);
}

/** Number of pages, from pdfinfo. */
export function pageCount(pdfPath: string): number {
  const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
  const m = /^Pages:\s+(\d+)/m.exec(info);
  if (!m) throw new Error(`pdfinfo gave no page count:\n${info}`);
  return Number(m[1]);
}

/** The text of the PDF, in pdftotext's reading order, with all runs of whitespace as one space. */
export function pdfText(pdfPath: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' })
    .replace(/\s+/g, ' ')
    .trim();
}

/** A word and its box on the page, in mm from the top-left corner. */
export interface Word {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Every word of the first page with its box, from `pdftotext -bbox`. */
export function pdfWords(pdfPath: string): Word[] {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', pdfPath, '-'], {
    encoding: 'utf8',
  });
  const words: Word[] = [];
  const re =
    /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  for (const m of html.matchAll(re)) {
    const [x0, y0, x1, y1] = [m[1], m[2], m[3], m[4]].map((v) => Number(v) / PT_PER_MM) as [
      number,
      number,
      number,
      number,
    ];
    const text = (m[5] ?? '').replace(/&(\w+);/g, (e, name: string) => ENTITIES[name] ?? e);
    words.push({ text, x0, y0, x1, y1 });
  }
  if (words.length === 0) throw new Error(`pdftotext -bbox found no words in ${pdfPath}`);
  return words;
}

/** What zbarimg decodes from the image (one entry per symbol found; none is an empty list). */
export function decodeQr(png: string): string[] {
  try {
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', png], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.split('\n').filter(Boolean);
  } catch (err) {
    // zbarimg exits 4 when it finds no symbol.
    if ((err as { status?: number }).status === 4) return [];
    throw err;
  }
}
