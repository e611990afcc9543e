/**
 * CD burners (issue 5). A retail terminal has one or more; the burn-job runner in kiosk-core
 * is written against `Burner` and never sees cdrdao. Two implementations, chosen by
 * configuration only (`burnerConfig` in packages/protocol): `cdrdao` drives a real drive,
 * `image` writes the TOC and WAV files to a folder (demo, tests, "download image").
 *
 * Facts on the disc format and on cdrdao: ../shared/REFERENCE.md ("Audio CD (Red Book)").
 */
import type { BurnReason } from './errors.js';

export type BurnerDriver = 'image' | 'cdrdao';

/** What a burner can tell about itself and the disc in it, without writing anything. */
export interface DriveStatus {
  /** A burn started now could run: drive present and free, blank disc in it. */
  readonly ready: boolean;
  /** The disc is blank; null when there is no disc or the drive cannot say. */
  readonly blank: boolean | null;
  /** Sectors (2352-byte blocks) that fit on the disc; null when unknown. */
  readonly capacitySectors: number | null;
  /**
   * A serial or catalog number of the disc, when the drive reports one. cdrdao's `disk-info`
   * reports none for blank CD-R media, so the cdrdao driver gives null today.
   */
  readonly mediaSerial: string | null;
  /** Disc manufacturer as read from the ATIP (cdrdao "CD-R medium"), when known. */
  readonly mediaVendor?: string;
  /** Drive vendor and model, when known. */
  readonly vendor?: string;
  readonly model?: string;
  /** Why the burner is not ready, as a `BurnError` reason; null when ready. */
  readonly problem: BurnReason | null;
  /** One line for the status page and the log, e.g. "blank CD-R, 79:59:74". */
  readonly detail: string | null;
}

/** A disc image: a cdrdao TOC whose FILE lines name WAV files beside it. */
export interface BurnImage {
  /** The TOC file. Its FILE paths are relative to the TOC's folder. */
  readonly tocPath: string;
  /**
   * The recording id. The image burner names the output folder after it, so it must be a
   * plain folder name (letters, digits, `.`, `_`, `-`).
   */
  readonly label: string;
}

export type BurnPhase = 'preparing' | 'writing' | 'fixating' | 'verifying';

export interface BurnProgress {
  readonly phase: BurnPhase;
  /** 0-1 over the whole burn; never goes backwards within one burn. */
  readonly fraction: number;
  /** The tool's own words, e.g. "Wrote 312 of 702 MB", for the log and service screens. */
  readonly detail?: string;
}

export interface BurnOptions {
  readonly onProgress?: (progress: BurnProgress) => void;
  /** Aborting stops the burn; `burn()` then rejects with reason `aborted`. */
  readonly signal?: AbortSignal;
}

export interface BurnResult {
  readonly durationMs: number;
  readonly mediaSerial: string | null;
  /** Where the image burner put the copy; null for a real disc. */
  readonly outputDir: string | null;
  /** The result was read back and checked (image burner with `verify`). */
  readonly verified: boolean;
}

/**
 * One CD drive. `burn()` resolves when the disc (or image) is complete and rejects with a
 * `BurnError` whose `reason` the job runner acts on (retry on another drive, refund, alarm)
 * and whose `message` the shop assistant reads.
 */
export interface Burner {
  readonly id: string;
  readonly driver: BurnerDriver;
  /** Asks the drive about itself and its disc. Never throws for drive conditions. */
  probe(): Promise<DriveStatus>;
  burn(image: BurnImage, options?: BurnOptions): Promise<BurnResult>;
  /** Opens the tray (no-op for the image burner). */
  eject(): Promise<void>;
}

/** The logging burners need; pino loggers and `console` satisfy it. */
export interface BurnerLog {
  info(msg: string): void;
  warn(msg: string): void;
}
