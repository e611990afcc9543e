import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PrintConfig } from '@jukebox/protocol';
import type { Logger } from '../log.js';
import { writeFileAtomic } from '../sync/files.js';
import { parsePrintableDisc, type PrintableDisc } from './disc.js';
import { PrintError } from './errors.js';
import { renderInsert } from './insert.js';
import { renderLabel } from './label.js';
import { submitToCups } from './lp.js';

export interface PrintServiceOptions {
  config: PrintConfig;
  /** The box's data folder; PDFs go to `config.dir` (relative to it) or `<dataDir>/print`. */
  dataDir: string;
  log?: Logger;
  /** Where to look for DejaVu Sans; default Debian's folder (see fonts.ts). */
  fontDir?: string;
  /** How long one `lp` may take; default 30 s. */
  lpTimeoutMs?: number;
}

export interface PrintResult {
  insertPdf: string;
  labelPdf: string;
  /** CUPS request ids, insert first; empty when no printer is configured. */
  jobs: string[];
  /** Whether the PDFs were handed to CUPS (false: saved only). */
  printed: boolean;
}

const DEFAULT_LP_TIMEOUT_MS = 30_000;

/**
 * Prints a disc's insert and label. Both PDFs are saved first, under
 * `<dir>/<trackingNumber>/`, so a printer that is out of paper or a missing CUPS loses
 * nothing: staff reprint from the files. The label goes to `labelPrinter` when there is one
 * (as a 120 mm page for a disc or label printer), else onto the insert's paper.
 */
export class PrintService {
  /** Where the PDFs are kept. */
  readonly dir: string;
  private readonly config: PrintConfig;
  private readonly log: Logger | undefined;
  private readonly fontDir: string | undefined;
  private readonly lpTimeoutMs: number;

  constructor(opts: PrintServiceOptions) {
    this.config = opts.config;
    this.dir = path.resolve(opts.dataDir, opts.config.dir ?? 'print');
    this.log = opts.log;
    this.fontDir = opts.fontDir;
    this.lpTimeoutMs = opts.lpTimeoutMs ?? DEFAULT_LP_TIMEOUT_MS;
  }

  /**
   * Renders, saves and (when a printer is configured) prints. Rejects with a PrintError:
   * `invalid-disc` before anything is written; an `lp-*` reason after both PDFs are saved,
   * carrying their paths and the request ids that did go through (it stops at the first
   * failed job, so a retry never prints a part twice unless the caller asks).
   */
  async printDisc(input: PrintableDisc): Promise<PrintResult> {
    const disc = parsePrintableDisc(input);
    const { printer, labelPrinter, paper } = this.config;
    const [insert, label] = await Promise.all([
      renderInsert(disc, { paper, fontDir: this.fontDir }),
      renderLabel(disc, { paper: labelPrinter ? undefined : paper, fontDir: this.fontDir }),
    ]);

    const folder = path.join(this.dir, disc.trackingNumber);
    mkdirSync(folder, { recursive: true });
    const files = {
      insertPdf: path.join(folder, 'insert.pdf'),
      labelPdf: path.join(folder, 'label.pdf'),
    };
    writeFileAtomic(files.insertPdf, insert, 0o644);
    writeFileAtomic(files.labelPdf, label, 0o644);

    if (!printer) {
      this.log?.info(
        { trackingNumber: disc.trackingNumber, ...files },
        'print: PDFs saved (no printer configured)',
      );
      return { ...files, jobs: [], printed: false };
    }
    const parts = [
      { queue: printer, title: `${disc.trackingNumber} insert`, file: files.insertPdf },
      {
        queue: labelPrinter ?? printer,
        title: `${disc.trackingNumber} label`,
        file: files.labelPdf,
      },
    ];
    const jobs: string[] = [];
    for (const part of parts) {
      try {
        jobs.push(await submitToCups({ lp: this.config.lp, timeoutMs: this.lpTimeoutMs, ...part }));
      } catch (err) {
        const e =
          err instanceof PrintError
            ? err
            : new PrintError({ reason: 'lp-failed', message: String(err), cause: err });
        const failure = new PrintError({
          reason: e.reason,
          message: `printing the ${part.title.split(' ')[1]} of ${disc.trackingNumber} failed: ${e.message} (PDFs kept in ${folder})`,
          stderr: e.stderr,
          jobs,
          files,
          cause: e,
        });
        this.log?.warn(
          { trackingNumber: disc.trackingNumber, reason: e.reason, stderr: e.stderr, jobs },
          failure.message,
        );
        throw failure;
      }
    }
    this.log?.info(
      { trackingNumber: disc.trackingNumber, jobs, printer, labelPrinter },
      'print: insert and label sent',
    );
    return { ...files, jobs, printed: true };
  }
}
