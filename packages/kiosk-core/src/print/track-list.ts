import { lineHeightMm, type Box, type Canvas, type Measure } from './canvas.js';
import { sizesDown, truncate, wrapText } from './text-fit.js';

/** One track as the list shows it. */
export interface ListTrack {
  title: string;
  artist: string;
  /** Already formatted, e.g. `3:07`. */
  duration: string;
}

export type ListBox = Box;

/** A line of the list, in mm; the first line of an entry carries its number and duration. */
export interface ListRow {
  x: number;
  y: number;
  width: number;
  number: string | null;
  text: string;
  duration: string | null;
}

export interface TrackListLayout {
  sizePt: number;
  columns: number;
  showArtists: boolean;
  rows: ListRow[];
  /** Width kept for the track numbers at the start of each row. */
  numberWidthMm: number;
}

export interface TrackListOptions {
  maxPt: number;
  minPt: number;
  /** Below this size the artists are dropped first, so the titles stay larger. */
  artistsMinPt: number;
  maxColumns: number;
}

const COLUMN_GAP_MM = 4;
const NUMBER_GAP_MM = 1.2;
const DURATION_GAP_MM = 2;

/**
 * Lays a track list out in a box: the largest type at which every title fits whole (wrapped
 * onto more lines when long), in as few columns as that size allows; an entry never breaks
 * across columns. When nothing fits even at `minPt` in `maxColumns` columns, each entry gets
 * one line cut with an ellipsis, and entries that still do not fit end in "+ N more".
 */
export function layoutTrackList(
  measure: Measure,
  tracks: readonly ListTrack[],
  box: ListBox,
  opts: TrackListOptions,
): TrackListLayout {
  for (const showArtists of [true, false]) {
    const floor = showArtists ? opts.artistsMinPt : opts.minPt;
    for (const sizePt of sizesDown(opts.maxPt, floor)) {
      for (let columns = 1; columns <= opts.maxColumns; columns++) {
        const layout = tryLayout(measure, tracks, box, sizePt, columns, showArtists);
        if (layout) return layout;
      }
    }
  }
  return squeezed(measure, tracks, box, opts);
}

interface Geometry {
  columnWidth: number;
  numberWidth: number;
  durationWidth: number;
  textWidth: number;
  rowHeight: number;
  rowsPerColumn: number;
}

function geometry(
  measure: Measure,
  tracks: readonly ListTrack[],
  box: ListBox,
  sizePt: number,
  columns: number,
): Geometry {
  const columnWidth = (box.widthMm - (columns - 1) * COLUMN_GAP_MM) / columns;
  const numberWidth = measure(`${tracks.length}.`, 'regular', sizePt);
  const durationWidth = Math.max(...tracks.map((t) => measure(t.duration, 'regular', sizePt)));
  const rowHeight = lineHeightMm(sizePt);
  return {
    columnWidth,
    numberWidth,
    durationWidth,
    textWidth: columnWidth - numberWidth - NUMBER_GAP_MM - durationWidth - DURATION_GAP_MM,
    rowHeight,
    rowsPerColumn: Math.floor(box.heightMm / rowHeight + 1e-9),
  };
}

function entryText(t: ListTrack, showArtists: boolean): string {
  return showArtists && t.artist ? `${t.title} — ${t.artist}` : t.title;
}

function tryLayout(
  measure: Measure,
  tracks: readonly ListTrack[],
  box: ListBox,
  sizePt: number,
  columns: number,
  showArtists: boolean,
): TrackListLayout | null {
  const g = geometry(measure, tracks, box, sizePt, columns);
  if (g.textWidth < 10 || g.rowsPerColumn < 1) return null;
  const widthOf = (s: string) => measure(s, 'regular', sizePt);
  const rows: ListRow[] = [];
  let column = 0;
  let row = 0;
  for (const [i, t] of tracks.entries()) {
    const lines = wrapText(entryText(t, showArtists), widthOf, g.textWidth);
    if (lines.length > g.rowsPerColumn) return null;
    if (row + lines.length > g.rowsPerColumn) {
      column += 1;
      row = 0;
    }
    if (column >= columns) return null;
    for (const [j, text] of lines.entries()) {
      rows.push({
        x: box.x + column * (g.columnWidth + COLUMN_GAP_MM),
        y: box.y + (row + j) * g.rowHeight,
        width: g.columnWidth,
        number: j === 0 ? `${i + 1}.` : null,
        text,
        duration: j === 0 ? t.duration : null,
      });
    }
    row += lines.length;
  }
  return { sizePt, columns, showArtists, rows, numberWidthMm: g.numberWidth };
}

/** The last resort: one cut line per entry at the smallest size, as many as fit. */
function squeezed(
  measure: Measure,
  tracks: readonly ListTrack[],
  box: ListBox,
  opts: TrackListOptions,
): TrackListLayout {
  const sizePt = opts.minPt;
  const columns = opts.maxColumns;
  const g = geometry(measure, tracks, box, sizePt, columns);
  const widthOf = (s: string) => measure(s, 'regular', sizePt);
  const capacity = Math.max(1, g.rowsPerColumn) * columns;
  const shown = tracks.length <= capacity ? tracks.length : capacity - 1;
  const rows: ListRow[] = [];
  const place = (k: number) => ({
    x: box.x + Math.floor(k / g.rowsPerColumn) * (g.columnWidth + COLUMN_GAP_MM),
    y: box.y + (k % g.rowsPerColumn) * g.rowHeight,
    width: g.columnWidth,
  });
  for (let k = 0; k < shown; k++) {
    const t = tracks[k]!;
    rows.push({
      ...place(k),
      number: `${k + 1}.`,
      text: truncate(t.title, widthOf, Math.max(0, g.textWidth)),
      duration: t.duration,
    });
  }
  if (shown < tracks.length) {
    rows.push({
      ...place(shown),
      number: null,
      text: truncate(`+ ${tracks.length - shown} more`, widthOf, Math.max(0, g.textWidth)),
      duration: null,
    });
  }
  return { sizePt, columns, showArtists: false, rows, numberWidthMm: g.numberWidth };
}

/** Draws a laid-out list: numbers right-aligned, titles after them, durations at the right. */
export function drawTrackList(c: Canvas, layout: TrackListLayout, color = 'black'): void {
  const style = { role: 'regular' as const, sizePt: layout.sizePt, color };
  for (const r of layout.rows) {
    const textX = r.x + layout.numberWidthMm + NUMBER_GAP_MM;
    if (r.number) c.text(r.number, r.x + layout.numberWidthMm, r.y, { ...style, align: 'right' });
    c.text(r.text, textX, r.y, style);
    if (r.duration) c.text(r.duration, r.x + r.width, r.y, { ...style, align: 'right' });
  }
}
