import { Canvas, PAPER, lineHeightMm, type Box, type PageSize, type Paper } from './canvas.js';
import {
  formatDuration,
  formatPlacedAt,
  parsePrintableDisc,
  qrPayload,
  type PrintableDisc,
} from './disc.js';
import { loadPrintFonts } from './fonts.js';
import { drawQr } from './qr.js';
import { ELLIPSIS, fitLine, sizesDown, truncate, wrapText } from './text-fit.js';

/** Disc label sizes in mm. */
export const LABEL = {
  diameterMm: 118,
  hubDiameterMm: 41,
  /** Text and the QR code keep this far inside the edge (a label is never cut exactly). */
  edgeMarginMm: 3,
  /** ... and this far outside the hub hole. */
  hubMarginMm: 2.5,
  /** The page of a label printer: the disc with 1 mm around it. */
  discPage: { widthMm: 120, heightMm: 120 },
} as const;

export interface LabelOptions {
  /** A sheet to print the label on (cut out along the circle); none = a 120 mm square page. */
  paper?: Paper;
  fontDir?: string;
}

const GREY = '#555555';
const R_TEXT = LABEL.diameterMm / 2 - LABEL.edgeMarginMm;
const R_HUB = LABEL.hubDiameterMm / 2 + LABEL.hubMarginMm;

/**
 * A disc label as one PDF page: the 118 mm disc outline with the 41 mm hub hole marked, the
 * title and performer above the hub, the tracking number on its left and a QR code on its
 * right, and below it the track list when every track fits whole on a line (else the count
 * and total time). All text is fitted to the circle's chord at its height.
 */
export async function renderLabel(
  input: PrintableDisc,
  options: LabelOptions = {},
): Promise<Buffer> {
  const disc = parsePrintableDisc(input);
  const layout = labelLayout(options.paper);
  const c = new Canvas(layout.page, loadPrintFonts(options.fontDir), {
    title: `${disc.title} (label ${disc.trackingNumber})`,
    author: disc.shopName,
  });
  const { cx, cy, qr } = layout;

  c.circle(cx, cy, LABEL.diameterMm / 2, { widthPt: 0.4, color: '#888888' });
  c.circle(cx, cy, LABEL.hubDiameterMm / 2, { widthPt: 0.4, color: '#888888', dash: [1.5, 1] });
  c.line(cx - 2, cy, cx + 2, cy, { widthPt: 0.25, color: '#888888' });
  c.line(cx, cy - 2, cx, cy + 2, { widthPt: 0.25, color: '#888888' });

  drawTop(c, disc, cx, cy);
  drawTracking(c, disc, cx, cy);
  drawQr(c, qrPayload(disc), qr.x, qr.y, qr.widthMm);
  drawBottom(c, disc, cx, cy);
  return c.finish();
}

/** Where the label sits on its page, in mm. */
export interface LabelLayout {
  page: PageSize;
  /** The disc's centre. */
  cx: number;
  cy: number;
  /** The QR code's square, right of the hub. */
  qr: Box;
}

const LABEL_QR_MM = 22;

/** The label centred on `paper`, or on its own 120 mm page. */
export function labelLayout(paper?: Paper): LabelLayout {
  const page: PageSize = paper ? PAPER[paper] : LABEL.discPage;
  const cx = page.widthMm / 2;
  const cy = page.heightMm / 2;
  // 26-48 mm right of the centre and 11 mm up and down: clear of the hub (28 mm at the
  // nearest corner) and inside the text circle (49 mm at the farthest).
  const qr = { x: cx + 26, y: cy - LABEL_QR_MM / 2, widthMm: LABEL_QR_MM, heightMm: LABEL_QR_MM };
  return { page, cx, cy, qr };
}

/**
 * Half the width a line may take when it spans [top, bottom] (relative to the centre):
 * inside the text circle at the line's edge farthest from the centre.
 */
export function chordHalfWidth(top: number, bottom: number, radius = R_TEXT): number {
  const far = top < 0 && bottom > 0 ? 0 : Math.max(Math.abs(top), Math.abs(bottom));
  return far >= radius ? 0 : Math.sqrt(radius * radius - far * far);
}

const TITLE_MAX_LINES = 3;

/** Title (up to three lines) and performer, stacked upwards from just above the hub. */
function drawTop(c: Canvas, disc: PrintableDisc, cx: number, cy: number): void {
  const title = fitTitle(c, disc.title);
  title.lines.forEach((line, k) =>
    c.text(line, cx, cy + title.firstY + k * lineHeightMm(title.sizePt), {
      role: 'bold',
      sizePt: title.sizePt,
      align: 'center',
    }),
  );
  const perfPt = performerPt(title.sizePt);
  const perfY = performerY(perfPt);
  const room = 2 * chordHalfWidth(perfY, perfY + lineHeightMm(perfPt)) - 4;
  const performer = fitLine(c.measure, disc.performer, 'regular', room, perfPt, 5.5);
  c.text(performer.text, cx, cy + perfY, {
    role: 'regular',
    sizePt: performer.sizePt,
    align: 'center',
    color: GREY,
  });
}

const performerPt = (titlePt: number) => Math.max(6, Math.min(9, titlePt * 0.65));
const performerY = (perfPt: number) => -R_HUB - 1 - lineHeightMm(perfPt);

/** Where `n` title lines at `titlePt` go (their top and widths), or null if they do not. */
function titleSlots(titlePt: number, n: number): { firstY: number; widths: number[] } | null {
  const titleH = lineHeightMm(titlePt);
  const firstY = performerY(performerPt(titlePt)) - 0.8 - n * titleH;
  if (firstY < -R_TEXT + 2) return null;
  const widths = Array.from({ length: n }, (_, k) => {
    const y = firstY + k * titleH;
    return 2 * chordHalfWidth(y, y + titleH) - 4;
  });
  return { firstY, widths };
}

/** The largest title size whose lines fit their chords; at the smallest, cut with an ellipsis. */
function fitTitle(c: Canvas, text: string): { lines: string[]; sizePt: number; firstY: number } {
  const minPt = 6.5;
  for (const sizePt of sizesDown(16, minPt)) {
    const widthOf = (s: string) => c.measure(s, 'bold', sizePt);
    for (let n = 1; n <= TITLE_MAX_LINES; n++) {
      const slots = titleSlots(sizePt, n);
      if (!slots) break;
      const lines = wrapText(text, widthOf, slots.widths);
      if (lines.length <= n)
        return { lines, sizePt, firstY: slots.firstY + (n - lines.length) * lineHeightMm(sizePt) };
    }
  }
  const widthOf = (s: string) => c.measure(s, 'bold', minPt);
  let n = TITLE_MAX_LINES;
  while (n > 1 && !titleSlots(minPt, n)) n--;
  // One line at the smallest size always fits above the hub: the text circle leaves 30 mm.
  const slots = titleSlots(minPt, n)!;
  const lines = wrapText(text, widthOf, slots.widths);
  const rest = lines.slice(n - 1).join(' ') + ELLIPSIS;
  const cut = [...lines.slice(0, n - 1), truncate(rest, widthOf, slots.widths[n - 1] ?? 0)];
  return { lines: cut, sizePt: minPt, firstY: slots.firstY };
}

/** Left of the hub: the tracking number between a caption and the order date. */
function drawTracking(c: Canvas, disc: PrintableDisc, cx: number, cy: number): void {
  const width = 29;
  const midX = cx - R_HUB - 1 - width / 2;
  const number = fitLine(c.measure, disc.trackingNumber, 'bold', width, 9, 5);
  const small = 5.5;
  const h = 2 * lineHeightMm(small) + lineHeightMm(number.sizePt);
  let y = cy - h / 2;
  c.text('Tracking number', midX, y, {
    role: 'regular',
    sizePt: small,
    align: 'center',
    color: GREY,
  });
  y += lineHeightMm(small);
  c.text(number.text, midX, y, { role: 'bold', sizePt: number.sizePt, align: 'center' });
  y += lineHeightMm(number.sizePt);
  const date = fitLine(c.measure, formatPlacedAt(disc.placedAt), 'regular', width, small, 4.5);
  c.text(date.text, midX, y, {
    role: 'regular',
    sizePt: date.sizePt,
    align: 'center',
    color: GREY,
  });
}

/**
 * Below the hub: the track list when each entry fits whole on one line, then the count and
 * total time, then the shop's name at the narrow bottom.
 */
function drawBottom(c: Canvas, disc: PrintableDisc, cx: number, cy: number): void {
  const count = disc.tracks.length === 1 ? '1 track' : `${disc.tracks.length} tracks`;
  const summary = `${count} · ${formatDuration(disc.totalMs)}`;
  const shopPt = 5.5;
  const shopY = R_TEXT - 1.5 - lineHeightMm(shopPt);
  const top = R_HUB + 1;
  const list = fitLabelList(c, disc, top, shopY - 1);
  let y = top;
  if (list) {
    for (const row of list.rows) {
      const style = { role: 'regular' as const, sizePt: list.sizePt };
      c.text(row.text, cx - row.half, cy + y, style);
      c.text(row.duration, cx + row.half, cy + y, { ...style, align: 'right' });
      y += lineHeightMm(list.sizePt);
    }
  }
  const sumPt = list ? list.sizePt : 7;
  const sumH = lineHeightMm(sumPt);
  const sum = fitLine(c.measure, summary, 'bold', 2 * chordHalfWidth(y, y + sumH) - 4, sumPt, 5);
  c.text(sum.text, cx, cy + y, { role: 'bold', sizePt: sum.sizePt, align: 'center' });
  const shop = fitLine(
    c.measure,
    disc.shopName,
    'regular',
    2 * chordHalfWidth(shopY, shopY + lineHeightMm(shopPt)) - 2,
    shopPt,
    4.5,
  );
  c.text(shop.text, cx, cy + shopY, {
    role: 'regular',
    sizePt: shop.sizePt,
    align: 'center',
    color: GREY,
  });
}

interface LabelList {
  sizePt: number;
  rows: Array<{ text: string; duration: string; half: number }>;
}

/**
 * The largest size (7 down to 5 pt) at which every track and the summary line fit. The rows
 * share one width, the circle's chord at the lowest row (at most 76 mm), so the list reads
 * as a block rather than following the curve.
 */
function fitLabelList(
  c: Canvas,
  disc: PrintableDisc,
  top: number,
  bottom: number,
): LabelList | null {
  for (const sizePt of sizesDown(7, 5)) {
    const lh = lineHeightMm(sizePt);
    // One row per track plus the summary row below them.
    if (top + (disc.tracks.length + 1) * lh > bottom) continue;
    const lastBottom = top + disc.tracks.length * lh;
    const half = Math.min(38, chordHalfWidth(lastBottom - lh, lastBottom) - 2);
    const rows = disc.tracks.map((t, i) => ({
      text: `${i + 1}. ${t.title}`,
      duration: formatDuration(t.durationMs),
      half,
    }));
    const fits = rows.every(
      (r) =>
        c.measure(r.text, 'regular', sizePt) + 2 + c.measure(r.duration, 'regular', sizePt) <=
        2 * half,
    );
    if (fits) return { sizePt, rows };
  }
  return null;
}
