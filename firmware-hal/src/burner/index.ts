/**
 * CD burners (issue 5): the one interface, the cdrdao driver for real drives, and the image
 * burner that writes a disc's TOC and WAV files to a folder. Chosen by configuration only.
 */
export * from './types.js';
export { BurnError, BURN_MESSAGES, BURN_REASONS, isBurnError, type BurnReason } from './errors.js';
export { createBurner, type CreateBurnerDeps } from './factory.js';
export { CdrdaoBurner, scanDrives, writeArgs, type CdrdaoBurnerOptions } from './cdrdao-burner.js';
export { ImageBurner, type ImageBurnerOptions } from './image-burner.js';
export { CDRDAO_KILL_GRACE_MS } from './cdrdao-run.js';
export {
  classifyFailure,
  parseDiskInfo,
  parseScanbus,
  parseTocSize,
  CdrdaoOutputError,
  WriteProgressTracker,
  type DiskInfo,
  type ScannedDrive,
} from './cdrdao-output.js';
export { parseTocFiles, rewriteTocFiles, TocSyntaxError, type TocFileRef } from './toc-file.js';
