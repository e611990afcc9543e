import PDFDocument from 'pdfkit';
import type { FontRole, PrintFonts } from './fonts.js';

/** PDF points in one millimetre; every layout here is in millimetres, the size of the case. */
export const PT_PER_MM = 72 / 25.4;

export interface PageSize {
  widthMm: number;
  heightMm: number;
}

/** Sheets the insert (and a label without a label printer) is printed on. */
export const PAPER = {
  A4: { widthMm: 210, heightMm: 297 },
  LETTER: { widthMm: 215.9, heightMm: 279.4 },
} as const satisfies Record<string, PageSize>;
export type Paper = keyof typeof PAPER;

/** A rectangle in mm, from the page's top-left corner. */
export interface Box {
  x: number;
  y: number;
  widthMm: number;
  heightMm: number;
}

/** Width in mm of `text` set in `role` at `sizePt`. */
export type Measure = (text: string, role: FontRole, sizePt: number) => number;

export interface TextStyle {
  role: FontRole;
  sizePt: number;
  /** `left`: x is where the text starts; `center`: its middle; `right`: where it ends. */
  align?: 'left' | 'center' | 'right';
  color?: string;
}

export interface StrokeStyle {
  widthPt?: number;
  color?: string;
  /** Dash and gap length in mm. */
  dash?: [number, number];
}

/** How tall a line of `sizePt` type is set, in mm: the glyph box (ascent + descent) and air. */
export function lineHeightMm(sizePt: number): number {
  return (sizePt * 1.2) / PT_PER_MM;
}

/**
 * One PDF page drawn in millimetres from the top-left corner. Text is placed by the top of
 * its line box and never wrapped by pdfkit (its wrapper adds pages when text runs past the
 * bottom); the layouts in this folder wrap and fit text themselves, so nothing can overflow.
 */
export class Canvas {
  private readonly doc: PDFKit.PDFDocument;
  private readonly fonts: PrintFonts;

  constructor(page: PageSize, fonts: PrintFonts, info: { title: string; author: string }) {
    this.fonts = fonts;
    this.doc = new PDFDocument({
      size: [page.widthMm * PT_PER_MM, page.heightMm * PT_PER_MM],
      margin: 0,
      info: {
        Title: fonts.clean(info.title),
        Author: fonts.clean(info.author),
        Creator: 'jukebox',
      },
    });
    this.doc.registerFont('regular', fonts.files.regular);
    this.doc.registerFont('bold', fonts.files.bold);
  }

  /** Width in mm of `text` as `text()` would draw it. */
  readonly measure: Measure = (text, role, sizePt) =>
    this.doc.font(role).fontSize(sizePt).widthOfString(this.fonts.clean(text)) / PT_PER_MM;

  text(text: string, xMm: number, yMm: number, style: TextStyle): void {
    const shown = this.fonts.clean(text);
    const width = this.measure(text, style.role, style.sizePt);
    const x =
      style.align === 'center' ? xMm - width / 2 : style.align === 'right' ? xMm - width : xMm;
    this.doc
      .font(style.role)
      .fontSize(style.sizePt)
      .fillColor(style.color ?? 'black')
      .text(shown, x * PT_PER_MM, yMm * PT_PER_MM, { lineBreak: false });
  }

  line(x1: number, y1: number, x2: number, y2: number, style: StrokeStyle = {}): void {
    this.stroke(style, () =>
      this.doc.moveTo(x1 * PT_PER_MM, y1 * PT_PER_MM).lineTo(x2 * PT_PER_MM, y2 * PT_PER_MM),
    );
  }

  circle(cx: number, cy: number, rMm: number, style: StrokeStyle = {}): void {
    this.stroke(style, () => this.doc.circle(cx * PT_PER_MM, cy * PT_PER_MM, rMm * PT_PER_MM));
  }

  /** Fills the squares as one path, so neighbouring squares show no hairline seam. */
  fillSquares(squares: Array<{ x: number; y: number }>, sideMm: number, color = 'black'): void {
    if (squares.length === 0) return;
    const side = sideMm * PT_PER_MM;
    for (const s of squares) this.doc.rect(s.x * PT_PER_MM, s.y * PT_PER_MM, side, side);
    this.doc.fill(color);
  }

  fillRect(x: number, y: number, w: number, h: number, color: string): void {
    this.doc.rect(x * PT_PER_MM, y * PT_PER_MM, w * PT_PER_MM, h * PT_PER_MM).fill(color);
  }

  /** Draws with the page turned by `degrees` (clockwise) around (x, y). */
  rotated(degrees: number, xMm: number, yMm: number, draw: () => void): void {
    this.doc.save();
    this.doc.rotate(degrees, { origin: [xMm * PT_PER_MM, yMm * PT_PER_MM] });
    draw();
    this.doc.restore();
  }

  /** Ends the document and hands back its bytes. */
  finish(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
      this.doc.end();
    });
  }

  private stroke(style: StrokeStyle, path: () => void): void {
    this.doc.save();
    this.doc.lineWidth(style.widthPt ?? 0.5).strokeColor(style.color ?? 'black');
    if (style.dash) this.doc.dash(style.dash[0] * PT_PER_MM, { space: style.dash[1] * PT_PER_MM });
    path();
    this.doc.stroke();
    this.doc.restore();
  }
}

/**
 * Crop marks at the four corners of a trim box: short hairlines that stop `gapMm` short of
 * the corner, so a trimmer's blade never cuts through ink.
 */
export function cropMarks(c: Canvas, x: number, y: number, w: number, h: number): void {
  const gap = 2;
  const len = 5;
  const style = { widthPt: 0.25 };
  for (const cx of [x, x + w]) {
    for (const cy of [y, y + h]) {
      const sx = cx === x ? -1 : 1;
      const sy = cy === y ? -1 : 1;
      c.line(cx + sx * gap, cy, cx + sx * (gap + len), cy, style);
      c.line(cx, cy + sy * gap, cx, cy + sy * (gap + len), style);
    }
  }
}
