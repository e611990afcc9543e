/**
 * Why printing a disc's insert or label did not happen:
 * - `invalid-disc`: the disc handed in cannot be printed (the message names the field);
 * - `lp-not-found`: the `lp` executable is missing (no CUPS client installed);
 * - `lp-failed`: `lp` exited non-zero (unknown queue, scheduler down, ...); `stderr` says why;
 * - `lp-timeout`: `lp` did not answer in time and was stopped;
 * - `lp-unexpected-output`: `lp` succeeded but printed no request id we could read.
 */
export type PrintErrorReason =
  'invalid-disc' | 'lp-not-found' | 'lp-failed' | 'lp-timeout' | 'lp-unexpected-output';

export interface PrintErrorInit {
  reason: PrintErrorReason;
  message: string;
  /** What `lp` wrote to stderr, trimmed. */
  stderr?: string;
  /** CUPS request ids submitted before the failure (the insert, when the label failed). */
  jobs?: string[];
  /** The PDFs, saved before printing; they stay for a reprint. */
  files?: { insertPdf: string; labelPdf: string };
  cause?: unknown;
}

/** A print that failed; the message alone is enough for a log line or a staff screen. */
export class PrintError extends Error {
  override readonly name = 'PrintError';
  readonly reason: PrintErrorReason;
  readonly stderr: string;
  readonly jobs: string[];
  readonly files: { insertPdf: string; labelPdf: string } | null;

  constructor(init: PrintErrorInit) {
    super(init.message, init.cause === undefined ? {} : { cause: init.cause });
    this.reason = init.reason;
    this.stderr = init.stderr ?? '';
    this.jobs = init.jobs ?? [];
    this.files = init.files ?? null;
  }
}
