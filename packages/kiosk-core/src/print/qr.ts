import bwipjs from 'bwip-js';
import type { Canvas } from './canvas.js';

/** A QR symbol as its grid of modules (without the quiet zone). */
export interface QrMatrix {
  /** Modules per side. */
  size: number;
  dark(x: number, y: number): boolean;
}

/**
 * Light modules a reader needs around the symbol. The standard asks for 4; callers keep this
 * much white around `drawQr`'s square.
 */
export const QR_QUIET_MODULES = 4;

/**
 * Encodes `text` with error correction level M (15 % of the symbol may be scuffed), a fair
 * trade on a disc label that gets handled. bwip-js only computes the grid here; the symbol
 * is drawn as vector squares, so it stays sharp at any printer resolution.
 */
export function qrMatrix(text: string): QrMatrix {
  const [symbol] = bwipjs.raw('qrcode', text, 'eclevel=M');
  if (!symbol || !('pixs' in symbol)) throw new Error('bwip-js returned no QR matrix');
  const { pixs, pixx, pixy } = symbol;
  if (pixx !== pixy || pixs.length !== pixx * pixy) {
    throw new Error(`bwip-js returned a ${pixx}x${pixy} QR matrix of ${pixs.length} modules`);
  }
  return { size: pixx, dark: (x, y) => pixs[y * pixx + x] === 1 };
}

/** Draws the QR code of `text` as a `sideMm` square with its top-left corner at (x, y). */
export function drawQr(c: Canvas, text: string, x: number, y: number, sideMm: number): void {
  const m = qrMatrix(text);
  const module = sideMm / m.size;
  const squares: Array<{ x: number; y: number }> = [];
  for (let row = 0; row < m.size; row++) {
    for (let col = 0; col < m.size; col++) {
      if (m.dark(col, row)) squares.push({ x: x + col * module, y: y + row * module });
    }
  }
  c.fillSquares(squares, module);
}

/** The quiet zone around a `sideMm` symbol of `text`, in mm. */
export function qrQuietZoneMm(text: string, sideMm: number): number {
  return (sideMm / qrMatrix(text).size) * QR_QUIET_MODULES;
}
