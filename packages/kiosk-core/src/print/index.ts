export {
  printableDisc,
  parsePrintableDisc,
  formatDuration,
  formatPlacedAt,
  qrPayload,
  type PrintableDisc,
} from './disc.js';
export { PrintError, type PrintErrorReason } from './errors.js';
export { DEJAVU_DIR, loadPrintFonts, type PrintFonts } from './fonts.js';
export { PAPER, type Paper } from './canvas.js';
export { renderInsert, INSERT, type InsertOptions } from './insert.js';
export { renderLabel, LABEL, type LabelOptions } from './label.js';
export { submitToCups, parseRequestId, type LpJob } from './lp.js';
export { PrintService, type PrintResult, type PrintServiceOptions } from './service.js';
