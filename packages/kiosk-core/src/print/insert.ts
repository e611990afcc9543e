import {
  Canvas,
  PAPER,
  cropMarks,
  lineHeightMm,
  type Box,
  type PageSize,
  type Paper,
} from './canvas.js';
import {
  formatDuration,
  formatPlacedAt,
  parsePrintableDisc,
  qrPayload,
  type PrintableDisc,
} from './disc.js';
import { loadPrintFonts } from './fonts.js';
import { drawQr, qrQuietZoneMm } from './qr.js';
import { fitBlock, fitLine } from './text-fit.js';
import { drawTrackList, layoutTrackList } from './track-list.js';

/** Jewel-case sizes in mm (the booklet slot and the tray card behind the disc tray). */
export const INSERT = {
  front: { widthMm: 120, heightMm: 120 },
  tray: { widthMm: 151, heightMm: 118 },
  /** Each end of the tray card folds into a spine this wide. */
  spineMm: 6.5,
  /** Room between the two parts on the sheet, enough for both parts' crop marks. */
  gapMm: 14,
} as const;

export interface InsertOptions {
  paper: Paper;
  /** Where to look for DejaVu Sans (see fonts.ts); default Debian's folder. */
  fontDir?: string;
}

const GREY = '#555555';

/**
 * The jewel-case insert as one PDF page at real size: the front (title, performer, shop)
 * above the tray card (spines, track list, total, tracking number and QR code, date), each
 * with crop marks, and fold marks at the spines. Print at 100 % ("actual size").
 */
export async function renderInsert(input: PrintableDisc, options: InsertOptions): Promise<Buffer> {
  const disc = parsePrintableDisc(input);
  const layout = insertLayout(options.paper);
  const c = new Canvas(layout.page, loadPrintFonts(options.fontDir), {
    title: `${disc.title} (insert ${disc.trackingNumber})`,
    author: disc.shopName,
  });
  const { front, tray } = layout;
  drawFront(c, disc, front.x, front.y);
  cropMarks(c, front.x, front.y, front.widthMm, front.heightMm);
  drawTrayCard(c, disc, layout);
  cropMarks(c, tray.x, tray.y, tray.widthMm, tray.heightMm);
  foldMarks(c, tray.x, tray.y);
  return c.finish();
}

/** Where the parts of the insert sit on a sheet, in mm. */
export interface InsertLayout {
  page: PageSize;
  /** Trim box of the front. */
  front: Box;
  /** Trim box of the tray card, spines included. */
  tray: Box;
  /** The tray card's back panel inside its margins (between the spines). */
  back: Box;
  /** The QR code's square on the back panel. */
  qr: Box;
}

const TRAY_MARGIN_MM = 5;
const TRAY_QR_MM = 22;

/** The insert's geometry on `paper`: both parts centred across, the pair centred down. */
export function insertLayout(paper: Paper): InsertLayout {
  const page = PAPER[paper];
  const { front, tray, gapMm, spineMm } = INSERT;
  const top = (page.heightMm - front.heightMm - gapMm - tray.heightMm) / 2;
  const trayBox = {
    x: (page.widthMm - tray.widthMm) / 2,
    y: top + front.heightMm + gapMm,
    ...tray,
  };
  const back = {
    x: trayBox.x + spineMm + TRAY_MARGIN_MM,
    y: trayBox.y + TRAY_MARGIN_MM,
    widthMm: tray.widthMm - 2 * spineMm - 2 * TRAY_MARGIN_MM,
    heightMm: tray.heightMm - 2 * TRAY_MARGIN_MM,
  };
  return {
    page,
    front: { x: (page.widthMm - front.widthMm) / 2, y: top, ...front },
    tray: trayBox,
    back,
    qr: {
      x: back.x + back.widthMm - TRAY_QR_MM,
      y: back.y + back.heightMm - TRAY_QR_MM,
      widthMm: TRAY_QR_MM,
      heightMm: TRAY_QR_MM,
    },
  };
}

function drawFront(c: Canvas, disc: PrintableDisc, x: number, y: number): void {
  const margin = 8;
  const width = INSERT.front.widthMm - 2 * margin;
  const cx = x + INSERT.front.widthMm / 2;

  // Title and performer as one group, centred in the space above the shop's name.
  const title = fitBlock(c.measure, disc.title, 'bold', {
    widthMm: width,
    heightMm: 62,
    maxPt: 30,
    minPt: 9,
    maxLines: 6,
  });
  const performer = fitBlock(c.measure, disc.performer, 'regular', {
    widthMm: width,
    heightMm: 14,
    maxPt: Math.min(16, title.sizePt),
    minPt: 7,
    maxLines: 2,
  });
  const titleLh = lineHeightMm(title.sizePt);
  const performerLh = lineHeightMm(performer.sizePt);
  const groupHeight = title.lines.length * titleLh + 4 + performer.lines.length * performerLh;
  let lineY = y + 10 + (86 - groupHeight) / 2;
  for (const line of title.lines) {
    c.text(line, cx, lineY, { role: 'bold', sizePt: title.sizePt, align: 'center' });
    lineY += titleLh;
  }
  lineY += 4;
  for (const line of performer.lines) {
    c.text(line, cx, lineY, { role: 'regular', sizePt: performer.sizePt, align: 'center' });
    lineY += performerLh;
  }

  const bottom = y + INSERT.front.heightMm - margin;
  c.line(x + margin, bottom - 10, x + INSERT.front.widthMm - margin, bottom - 10, {
    widthPt: 0.3,
    color: GREY,
  });
  const shop = fitLine(c.measure, disc.shopName, 'bold', width, 9, 6);
  c.text(shop.text, cx, bottom - 8, { role: 'bold', sizePt: shop.sizePt, align: 'center' });
  c.text(formatPlacedAt(disc.placedAt), cx, bottom - 3, {
    role: 'regular',
    sizePt: 6,
    align: 'center',
    color: GREY,
  });
}

function drawTrayCard(c: Canvas, disc: PrintableDisc, layout: InsertLayout): void {
  const { spineMm } = INSERT;
  const { tray, back, qr } = layout;
  drawSpine(c, disc, tray.x + spineMm / 2, tray.y + tray.heightMm / 2, -90);
  drawSpine(c, disc, tray.x + tray.widthMm - spineMm / 2, tray.y + tray.heightMm / 2, 90);
  const { x: bx, y: by, widthMm: bw } = back;

  // Header: the title (two lines at most) and the performer.
  const title = fitBlock(c.measure, disc.title, 'bold', {
    widthMm: bw,
    heightMm: 11,
    maxPt: 12,
    minPt: 7,
    maxLines: 2,
  });
  let lineY = by;
  for (const line of title.lines) {
    c.text(line, bx, lineY, { role: 'bold', sizePt: title.sizePt });
    lineY += lineHeightMm(title.sizePt);
  }
  const performer = fitLine(c.measure, disc.performer, 'regular', bw, 9, 6);
  c.text(performer.text, bx, lineY, { role: 'regular', sizePt: performer.sizePt, color: GREY });
  lineY += lineHeightMm(performer.sizePt) + 1;
  c.line(bx, lineY, bx + bw, lineY, { widthPt: 0.3, color: GREY });

  // Footer: QR code at the bottom right, the order's facts beside it.
  const footerTop = qr.y;
  // The QR code's quiet zone (4 modules, 3-4 mm) stays white: nothing is set closer.
  const quiet = Math.max(4, qrQuietZoneMm(qrPayload(disc), qr.widthMm));
  drawQr(c, qrPayload(disc), qr.x, qr.y, qr.widthMm);
  drawFooterText(c, disc, bx, footerTop, bw - qr.widthMm - quiet - 1);

  const listTop = lineY + 2.5;
  const list = layoutTrackList(
    c.measure,
    disc.tracks.map((t) => ({ ...t, duration: formatDuration(t.durationMs) })),
    { x: bx, y: listTop, widthMm: bw, heightMm: footerTop - quiet - listTop },
    { maxPt: 9, minPt: 4, artistsMinPt: 5.5, maxColumns: 3 },
  );
  drawTrackList(c, list);
}

function drawFooterText(c: Canvas, disc: PrintableDisc, x: number, y: number, width: number): void {
  const tracks = disc.tracks.length === 1 ? '1 track' : `${disc.tracks.length} tracks`;
  const lines: Array<{ text: string; role: 'regular' | 'bold'; maxPt: number; color?: string }> = [
    { text: `${tracks} · total ${formatDuration(disc.totalMs)}`, role: 'bold', maxPt: 8 },
    { text: 'Tracking number', role: 'regular', maxPt: 6.5, color: GREY },
    { text: disc.trackingNumber, role: 'bold', maxPt: 12 },
    {
      text: `Ordered ${formatPlacedAt(disc.placedAt)} at ${disc.shopName}`,
      role: 'regular',
      maxPt: 6.5,
    },
  ];
  if (disc.trackingUrl)
    lines.push({ text: disc.trackingUrl, role: 'regular', maxPt: 6, color: GREY });
  if (disc.recordingId) {
    lines.push({ text: `Recording ${disc.recordingId}`, role: 'regular', maxPt: 5.5, color: GREY });
  }
  let lineY = y;
  for (const l of lines) {
    const fitted = fitLine(c.measure, l.text, l.role, width, l.maxPt, 4.5);
    c.text(fitted.text, x, lineY, { role: l.role, sizePt: fitted.sizePt, color: l.color });
    lineY += lineHeightMm(fitted.sizePt);
  }
}

/** The spine's one line, turned to run along it, centred on (cx, cy). */
function drawSpine(c: Canvas, disc: PrintableDisc, cx: number, cy: number, degrees: number): void {
  const length = INSERT.tray.heightMm - 8;
  const fitted = fitLine(c.measure, `${disc.performer} · ${disc.title}`, 'bold', length, 8, 5);
  c.rotated(degrees, cx, cy, () => {
    c.text(fitted.text, cx, cy - lineHeightMm(fitted.sizePt) / 2, {
      role: 'bold',
      sizePt: fitted.sizePt,
      align: 'center',
    });
  });
}

/** Dashed ticks above and below the tray card where it folds into its spines. */
function foldMarks(c: Canvas, x: number, y: number): void {
  const style = { widthPt: 0.25, dash: [1, 0.7] as [number, number] };
  for (const fx of [x + INSERT.spineMm, x + INSERT.tray.widthMm - INSERT.spineMm]) {
    c.line(fx, y - 2, fx, y - 7, style);
    c.line(fx, y + INSERT.tray.heightMm + 2, fx, y + INSERT.tray.heightMm + 7, style);
  }
}
