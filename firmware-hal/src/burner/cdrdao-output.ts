import { BurnError, type BurnReason } from './errors.js';
import type { BurnProgress } from './types.js';

/*
 * Parsers for what cdrdao 1.2.x prints. Facts, from the strings of the Debian 12 binary
 * (cdrdao 1.2.4) and from cdrdao's sources (dao/main.cc: showDiskInfo, scanBus, setupDevice,
 * the write command; dao/dao.cc: the writer loop; dao/GenericMMC.cc and GenericMMCraw.cc:
 * startDao/finishDao; dao/ScsiIf-linux.cc: init and the sysfs bus scan):
 *
 * - Messages go to stderr, prefixed "ERROR: " / "WARNING: "; `disk-info`'s table goes to
 *   stdout. Every command starts with "Cdrdao version 1.2.4 - (C) Andreas Mueller ...".
 * - The exit code is 1 for every failure and 0 for success; `scanbus` exits 0 even when it
 *   cannot scan. So the reason of a failure is read from the ERROR lines, not the code.
 * - Progress lines end in "\r", not "\n": "Wrote 12 of 345 MB (Buffers 100%  98%).\r" (FIFO
 *   and drive buffer fill), printed each time another whole MB is written; `read-test`
 *   prints "Read 3 of 12 MB.\r" per buffer instead.
 * - Write phases: "Starting write [simulation ]at speed N...", "Turning BURN-Proof on",
 *   "Executing power calibration...", "Writing lead-in and gap..." (raw driver), "Writing
 *   track 01 (mode AUDIO/AUDIO )...", the Wrote lines, "Wrote N blocks. Buffer fill min
 *   X%/max Y%." when the data is out, "Writing lead-out..." (raw driver), "Flushing
 *   cache...", then "Writing finished successfully." or "Simulation finished successfully.".
 * - Every failure of a data write prints "Writing failed - buffer under run?" (cdrdao's own
 *   guess); a medium fault shows up before it in the SCSI sense lines ("Medium Error",
 *   "Write error").
 */

export const CDRDAO_BANNER = /^Cdrdao version \S+ - \(C\)/;

/** Splits tool output into lines; "\r" ends a line too (progress lines). Blank lines go. */
export function outputLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '');
}

/** A line's text without cdrdao's "ERROR: " / "WARNING: " prefix. */
function message(line: string): string {
  return line.replace(/^(ERROR|WARNING|INTERNAL ERROR|FATAL ERROR): /, '');
}

/** A line cdrdao printed as an error ("ERROR: ...", "FATAL ERROR: ...", "INTERNAL ERROR: ..."). */
export function isErrorLine(line: string): boolean {
  return /^(ERROR|INTERNAL ERROR|FATAL ERROR): /.test(line);
}

// ---------------------------------------------------------------- scanbus

export interface ScannedDrive {
  /** What to pass as `--device`, e.g. /dev/sr0. */
  readonly device: string;
  readonly vendor: string;
  readonly model: string;
  readonly revision: string;
}

export interface ScanbusResult {
  readonly drives: ScannedDrive[];
  /** ERROR lines and lines that are not a drive, for the log. */
  readonly problems: string[];
}

/**
 * `cdrdao scanbus`: one drive per line, "<device> : <vendor>, <model>, <revision>" (sysfs
 * scan; vendor/model/revision are the raw 8/16/4-character SCSI inquiry fields, padded with
 * spaces) or "<device padded to 20> <vendor>, <model>, <revision>" (ATA scan).
 */
export function parseScanbus(text: string): ScanbusResult {
  const drives: ScannedDrive[] = [];
  const problems: string[] = [];
  for (const line of outputLines(text)) {
    if (CDRDAO_BANNER.test(line)) continue;
    const m = /^(\S+)\s+(?::\s+)?([^,]*),([^,]*),(.*)$/.exec(line);
    if (!m || isErrorLine(line) || /^WARNING: /.test(line)) {
      problems.push(line);
      continue;
    }
    const [, device = '', vendor = '', model = '', revision = ''] = m;
    drives.push({ device, vendor: vendor.trim(), model: model.trim(), revision: revision.trim() });
  }
  return { drives, problems };
}

// ---------------------------------------------------------------- disk-info

export interface DiskInfo {
  /** From the device line "<device>: <vendor> <model>\tRev: <rev>" (verbosity 2). */
  readonly vendor: string | null;
  readonly model: string | null;
  readonly cdrw: boolean | null;
  /** "Total Capacity": blocks (sectors) of the whole disc. */
  readonly totalBlocks: number | null;
  /** ATIP manufacturer ("CD-R medium"), first line only. */
  readonly mediumVendor: string | null;
  /** "CD-R empty". */
  readonly empty: boolean | null;
  readonly appendable: boolean | null;
  /** "Remaining Capacity" (only printed for an appendable, non-empty disc). */
  readonly remainingBlocks: number | null;
}

export class CdrdaoOutputError extends Error {
  override readonly name = 'CdrdaoOutputError';
}

const DISK_INFO_LABEL = /^([A-Za-z][A-Za-z -]*?)\s*: (.*)$/;
/** "79:59:74 (359849 blocks, 702/807 MB)" */
const CAPACITY = /^\d+:\d\d:\d\d \((\d+) blocks, \d+\/\d+ MB\)$/;

/**
 * `cdrdao disk-info`: the "Label   : value" table (stdout) plus the device line (stderr).
 * A value that is present but unreadable (a cut-off line) is an error naming the label; a
 * table without its "CD-R empty" line is an error too (the output was cut short, or this is
 * not cdrdao).
 */
export function parseDiskInfo(text: string): DiskInfo {
  let vendor: string | null = null;
  let model: string | null = null;
  let cdrw: boolean | null = null;
  let totalBlocks: number | null = null;
  let mediumVendor: string | null = null;
  let empty: boolean | null = null;
  let sawEmpty = false;
  let appendable: boolean | null = null;
  let remainingBlocks: number | null = null;

  const yesNo = (label: string, value: string): boolean | null => {
    if (value === 'yes') return true;
    if (value === 'no') return false;
    if (value === 'n/a') return null;
    throw new CdrdaoOutputError(`disk-info: "${label}" is neither yes, no nor n/a: "${value}"`);
  };
  const capacity = (label: string, value: string): number | null => {
    if (value === 'n/a') return null;
    const m = CAPACITY.exec(value);
    if (!m) throw new CdrdaoOutputError(`disk-info: cannot read "${label}" from "${value}"`);
    return Number(m[1]);
  };

  for (const line of text.split(/\r\n|\n|\r/)) {
    const device = /^\S+: (\S+) (.*?)\s*\tRev: ?(.*)$/.exec(line);
    if (device) {
      vendor = device[1] ?? null;
      model = device[2] || null;
      continue;
    }
    const m = DISK_INFO_LABEL.exec(line.trimEnd());
    if (!m || isErrorLine(line) || /^WARNING: /.test(line)) continue;
    const label = m[1] ?? '';
    const value = (m[2] ?? '').trim();
    switch (label) {
      case 'CD-RW':
        cdrw = yesNo(label, value);
        break;
      case 'Total Capacity':
        totalBlocks = capacity(label, value);
        break;
      case 'CD-R medium':
        mediumVendor = value === 'n/a' || value === '' ? null : value;
        break;
      case 'CD-R empty':
        empty = yesNo(label, value);
        sawEmpty = true;
        break;
      case 'Appendable':
        appendable = yesNo(label, value);
        break;
      case 'Remaining Capacity':
        remainingBlocks = capacity(label, value);
        break;
    }
  }
  if (!sawEmpty) {
    throw new CdrdaoOutputError('disk-info: no "CD-R empty" line (output cut short?)');
  }
  return { vendor, model, cdrw, totalBlocks, mediumVendor, empty, appendable, remainingBlocks };
}

// ---------------------------------------------------------------- toc-size

/** `cdrdao toc-size`: the image's length in blocks, alone on a stdout line. */
export function parseTocSize(stdout: string): number {
  const lines = outputLines(stdout).map((l) => l.trim());
  const n = lines.length === 1 && /^\d+$/.test(lines[0] ?? '') ? Number(lines[0]) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new CdrdaoOutputError(
      `toc-size: expected one number of blocks, got "${stdout.trim().slice(0, 80)}"`,
    );
  }
  return n;
}

// ---------------------------------------------------------------- write progress

/** Where each phase sits in the 0-1 fraction of a whole cdrdao burn. */
export const WRITE_FRACTIONS = { writingFrom: 0.05, writingTo: 0.95 } as const;

/**
 * Turns `cdrdao write` stderr lines into progress. Fractions never go backwards, so a
 * repeated or out-of-order line cannot make the bar jump back.
 */
export class WriteProgressTracker {
  private fraction = 0;
  /** cdrdao began to write to the disc (the tray is locked from here on). */
  started = false;
  /** cdrdao said the disc is finished. */
  finished = false;

  line(raw: string): BurnProgress | null {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (/^Starting write/.test(line)) {
      this.started = true;
      return this.emit('preparing', 0.01, line);
    }
    if (
      /^(Turning BURN-Proof on|Executing power calibration|Performing optimum power calibration)/.test(
        line,
      )
    ) {
      return this.emit('preparing', 0.02, line);
    }
    if (/^Writing (lead-in and gap|CD-TEXT lead-in)/.test(line)) {
      return this.emit('preparing', 0.04, line);
    }
    if ((m = /^Writing track (\d+)/.exec(line))) {
      return this.emit('writing', WRITE_FRACTIONS.writingFrom, `Writing track ${m[1]}`);
    }
    if ((m = /^Wrote (\d+) of (\d+) MB/.exec(line))) {
      const done = Number(m[1]);
      const total = Number(m[2]);
      if (!(total > 0) || done > total) return null;
      const { writingFrom, writingTo } = WRITE_FRACTIONS;
      return this.emit(
        'writing',
        writingFrom + ((writingTo - writingFrom) * done) / total,
        `Wrote ${done} of ${total} MB`,
      );
    }
    if (/^Wrote \d+ blocks\./.test(line))
      return this.emit('fixating', WRITE_FRACTIONS.writingTo, line);
    if (/^Writing lead-out/.test(line)) return this.emit('fixating', 0.96, line);
    if (/^Flushing cache/.test(line)) return this.emit('fixating', 0.97, line);
    if (/^(Writing|Simulation) finished successfully/.test(line)) {
      this.finished = true;
      return this.emit('fixating', 1, line);
    }
    return null;
  }

  private emit(phase: BurnProgress['phase'], fraction: number, detail: string): BurnProgress {
    this.fraction = Math.max(this.fraction, Math.min(1, fraction));
    return { phase, fraction: this.fraction, detail };
  }
}

/** `cdrdao read-test` progress: "Read 3 of 12 MB." as a 0-1 fraction, or null. */
export function readTestFraction(line: string): number | null {
  const m = /^Read (\d+) of (\d+) MB/.exec(line.trim());
  if (!m) return null;
  const done = Number(m[1]);
  const total = Number(m[2]);
  return total > 0 ? Math.min(1, done / total) : null;
}

// ---------------------------------------------------------------- failures

/**
 * Failure rules, most specific first: the first rule with a matching line wins, and that
 * line becomes the error's detail. A medium fault beats cdrdao's "buffer under run?" guess.
 */
const FAILURE_RULES: readonly { reason: BurnReason; pattern: RegExp; message?: string }[] = [
  { reason: 'aborted', pattern: /aborted on user request/ },
  { reason: 'drive-busy', pattern: /Unable to open SCSI device .*: Device or resource busy/ },
  {
    reason: 'drive-missing',
    pattern:
      /Unable to open SCSI device .*: (Permission denied|Operation not permitted)|No permission to write to SCSI device/,
    message: 'The terminal has no permission to use the CD drive. Call service (the cdrom group).',
  },
  { reason: 'drive-missing', pattern: /Unable to open SCSI device|Inquiry failed|No driver found/ },
  { reason: 'no-disc', pattern: /Medium not present|Unit not ready, giving up/ },
  {
    reason: 'not-blank',
    pattern:
      /not empty and not ?appendable|Disk seems to be written|Inserted medium is not appendable/,
  },
  { reason: 'too-small', pattern: /exceeds capacity/ },
  {
    reason: 'bad-image',
    pattern:
      /Cannot open toc file|Cannot open audio file|Cannot determine length of track data|is inconsistent|Could not find input file|Header of audio file|found sampling rate|found \d+ channels?|found \d+ bits|\.(toc|cue):\d+: |Opening of track data failed|Reading of track data failed|Could not decode audio files/,
  },
  {
    reason: 'write-failed',
    pattern:
      /Medium Error|Write error|Incompatible medium installed|Excessive write errors|Disk full|Cannot ensure reliable writing/,
  },
  { reason: 'buffer-underrun', pattern: /buffer under run\?/ },
  {
    reason: 'write-failed',
    pattern:
      /Write data failed|Writing failed|Simulation failed|Writing of data failed|Cannot setup (write parameters|disk-at-once)/,
  },
  { reason: 'drive-missing', pattern: /Cannot setup device/ },
];

export interface CdrdaoExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * The BurnError for a failed cdrdao run: the reason from its ERROR lines (see FAILURE_RULES),
 * the matching line as detail. With no telling line, the reason is `unknown` and the detail
 * is the last ERROR line, or the exit status.
 */
export function classifyFailure(lines: readonly string[], exit: CdrdaoExit): BurnError {
  for (const rule of FAILURE_RULES) {
    const hit = lines.find((l) => rule.pattern.test(l));
    if (hit !== undefined) {
      return new BurnError(rule.reason, {
        detail: message(hit),
        ...(rule.message ? { message: rule.message } : {}),
      });
    }
  }
  const lastError = [...lines].reverse().find(isErrorLine);
  const status =
    exit.signal !== null
      ? `cdrdao was killed by ${exit.signal}`
      : `cdrdao exited with code ${exit.code}`;
  return new BurnError('unknown', {
    detail: lastError === undefined ? status : `${message(lastError)} (${status})`,
  });
}
