import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  classifyFailure,
  CdrdaoOutputError,
  parseDiskInfo,
  parseScanbus,
  WriteProgressTracker,
  type DiskInfo,
  type ScannedDrive,
} from './cdrdao-output.js';
import { runCdrdao, runText, type CdrdaoRun } from './cdrdao-run.js';
import { BurnError, isBurnError } from './errors.js';
import type {
  BurnImage,
  BurnOptions,
  Burner,
  BurnerLog,
  BurnResult,
  DriveStatus,
} from './types.js';

export interface CdrdaoBurnerOptions {
  id: string;
  /** The drive, e.g. /dev/sr0. */
  device: string;
  executable?: string;
  speed?: number;
  simulate?: boolean;
  /** cdrdao `--driver` id, when auto-detection picks the wrong one. */
  cdrdaoDriver?: string;
  log?: BurnerLog;
  /** SIGTERM-to-SIGKILL grace on abort (default CDRDAO_KILL_GRACE_MS). */
  killGraceMs?: number;
}

/** `--device D [--driver X]`, common to every drive command. */
function deviceArgs(o: CdrdaoBurnerOptions): string[] {
  return [
    '--device',
    o.device,
    ...(o.cdrdaoDriver === undefined ? [] : ['--driver', o.cdrdaoDriver]),
  ];
}

/**
 * The `cdrdao write` command line for a TOC (passed by its file name: cdrdao runs in the
 * TOC's folder).
 * - `--buffer-under-run-protection 1`: BURN-Proof and its kin are cdrdao's default; it is
 *   passed anyway so that a `/etc/cdrdao.conf` or `~/.cdrdao` cannot switch it off.
 * - `-n`: no 10-second "hit CTRL-C to abort" pause; the kiosk aborts through its signal.
 * - `--eject`: the tray opens when the disc is done, which is the customer's cue.
 */
export function writeArgs(o: CdrdaoBurnerOptions, tocFile: string): string[] {
  return [
    'write',
    ...deviceArgs(o),
    ...(o.speed === undefined ? [] : ['--speed', String(o.speed)]),
    ...(o.simulate ? ['--simulate'] : []),
    '--buffer-under-run-protection',
    '1',
    '-n',
    '--eject',
    tocFile,
  ];
}

/** A real CD writer driven by cdrdao (Disc-At-Once, so CD-TEXT and exact gaps are written). */
export class CdrdaoBurner implements Burner {
  readonly driver = 'cdrdao' as const;
  readonly id: string;
  private readonly executable: string;
  private busy = false;

  constructor(private readonly opts: CdrdaoBurnerOptions) {
    this.id = opts.id;
    this.executable = opts.executable ?? 'cdrdao';
  }

  async probe(): Promise<DriveStatus> {
    try {
      if (this.busy) return notReady('drive-busy', 'burning');
      return statusOf(await this.diskInfo());
    } catch (err) {
      if (!isBurnError(err)) throw err;
      return notReady(err.reason, err.detail ?? err.message);
    }
  }

  async burn(image: BurnImage, options: BurnOptions = {}): Promise<BurnResult> {
    if (this.busy)
      throw new BurnError('drive-busy', { detail: `burner ${this.id} is already burning` });
    this.busy = true;
    try {
      return await this.burnOnce(image, options);
    } finally {
      this.busy = false;
    }
  }

  /** Unlocks the tray (after a failed or killed write) and opens it. */
  async eject(): Promise<void> {
    const run = await this.run(['unlock', ...deviceArgs(this.opts), '--eject']);
    if (run.code !== 0) throw classifyFailure(run.lines, run);
  }

  private async burnOnce(
    image: BurnImage,
    { onProgress, signal }: BurnOptions,
  ): Promise<BurnResult> {
    const started = performance.now();
    const tocPath = resolve(image.tocPath);
    try {
      if (!(await stat(tocPath)).isFile()) throw new Error('not a file');
    } catch (err) {
      throw new BurnError('bad-image', {
        detail: `${tocPath}: ${(err as Error).message}`,
        cause: err,
      });
    }
    onProgress?.({
      phase: 'preparing',
      fraction: 0,
      detail: `checking the disc in ${this.opts.device}`,
    });

    // Checked before writing: given a written disc, `cdrdao write` asks for Enter and then
    // reloads the tray, which is no way to tell a shop assistant the blank is wrong.
    const disc = await this.diskInfo(signal);
    if (signal?.aborted) throw new BurnError('aborted');
    if (disc.empty === null)
      throw new BurnError('no-disc', { detail: 'disk-info: CD-R empty: n/a' });
    if (!disc.empty) throw new BurnError('not-blank', { detail: 'disk-info: CD-R empty: no' });

    const tracker = new WriteProgressTracker();
    const run = await this.run(writeArgs(this.opts, basename(tocPath)), {
      cwd: dirname(tocPath),
      ...(signal ? { signal } : {}),
      onLine: (line) => {
        const p = tracker.line(line);
        if (p) onProgress?.(p);
      },
    });
    if (run.code === 0 && !run.aborted) {
      if (!tracker.finished) onProgress?.({ phase: 'fixating', fraction: 1 });
      return {
        durationMs: performance.now() - started,
        mediaSerial: null,
        outputDir: null,
        verified: false,
      };
    }
    const error = run.aborted ? new BurnError('aborted') : classifyFailure(run.lines, run);
    if (run.killed || (tracker.started && error.reason !== 'aborted')) await this.unlockQuietly();
    this.opts.log?.warn(`burner ${this.id}: ${error.reason}: ${error.detail ?? error.message}`);
    throw error;
  }

  /** `cdrdao disk-info`; a failed run becomes its classified BurnError. */
  private async diskInfo(signal?: AbortSignal): Promise<DiskInfo> {
    const run = await this.run(['disk-info', ...deviceArgs(this.opts)], signal ? { signal } : {});
    if (run.aborted) throw new BurnError('aborted');
    if (run.code !== 0) throw classifyFailure(run.lines, run);
    try {
      return parseDiskInfo(runText(run));
    } catch (err) {
      if (!(err instanceof CdrdaoOutputError)) throw err;
      throw new BurnError('unknown', { detail: err.message, cause: err });
    }
  }

  /** After a killed or failed write the tray may stay locked; `cdrdao unlock` frees it. */
  private async unlockQuietly(): Promise<void> {
    try {
      const run = await this.run(['unlock', ...deviceArgs(this.opts)]);
      if (run.code !== 0)
        this.opts.log?.warn(`burner ${this.id}: cdrdao unlock failed: ${run.lines.at(-1) ?? ''}`);
    } catch (err) {
      this.opts.log?.warn(`burner ${this.id}: cdrdao unlock failed: ${(err as Error).message}`);
    }
  }

  private run(
    args: string[],
    extra: { cwd?: string; signal?: AbortSignal; onLine?: (line: string) => void } = {},
  ): Promise<CdrdaoRun> {
    return runCdrdao({
      executable: this.executable,
      args,
      ...extra,
      ...(this.opts.killGraceMs === undefined ? {} : { killGraceMs: this.opts.killGraceMs }),
    });
  }
}

function notReady(problem: DriveStatus['problem'], detail: string): DriveStatus {
  return { ready: false, blank: null, capacitySectors: null, mediaSerial: null, problem, detail };
}

function statusOf(d: DiskInfo): DriveStatus {
  const capacitySectors = d.empty ? d.totalBlocks : d.remainingBlocks;
  const problem = d.empty === null ? ('no-disc' as const) : d.empty ? null : ('not-blank' as const);
  const what = d.empty === null ? 'disc status unknown' : d.empty ? 'blank disc' : 'written disc';
  return {
    ready: problem === null,
    blank: d.empty,
    capacitySectors,
    mediaSerial: null,
    ...(d.mediumVendor === null ? {} : { mediaVendor: d.mediumVendor }),
    ...(d.vendor === null ? {} : { vendor: d.vendor }),
    ...(d.model === null ? {} : { model: d.model }),
    problem,
    detail: capacitySectors === null ? what : `${what}, ${capacitySectors} sectors`,
  };
}

/**
 * The drives cdrdao can see (`cdrdao scanbus`), for setting up `device`. Problems (no sysfs,
 * unreadable lines) go to the log; an empty list is a valid answer.
 */
export async function scanDrives(executable = 'cdrdao', log?: BurnerLog): Promise<ScannedDrive[]> {
  const run = await runCdrdao({ executable, args: ['scanbus'] });
  const { drives, problems } = parseScanbus(runText(run));
  for (const p of problems) log?.warn(`cdrdao scanbus: ${p}`);
  return drives;
}
