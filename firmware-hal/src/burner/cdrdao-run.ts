import { spawn, type ChildProcess } from 'node:child_process';
import { BurnError, cdrdaoMissing } from './errors.js';

/**
 * How long cdrdao gets after SIGTERM before SIGKILL. On SIGTERM it stops at the next buffer,
 * aborts the DAO session, flushes the drive cache and unlocks the tray (dao/dao.cc installs a
 * handler for SIGTERM and SIGQUIT; SIGINT is ignored while writing); a SIGKILL leaves the tray
 * locked until `cdrdao unlock`.
 */
export const CDRDAO_KILL_GRACE_MS = 15_000;

/** Lines kept per run. Progress lines are dropped, so this holds every message of a burn. */
const MAX_LINES = 2_000;

export interface CdrdaoRunOptions {
  executable: string;
  args: readonly string[];
  /**
   * Working directory. cdrdao 1.2.4 resolves a TOC's relative FILE names against its working
   * directory, not the TOC's folder, so image commands run inside the image folder.
   */
  cwd?: string;
  signal?: AbortSignal;
  /** Every output line (stdout and stderr), as it comes, progress lines included. */
  onLine?: (line: string) => void;
  killGraceMs?: number;
}

export interface CdrdaoRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** Message lines from both streams in arrival order, without "Wrote/Read x of y MB" ones. */
  readonly lines: string[];
  /** The run was stopped through `signal`. */
  readonly aborted: boolean;
  /** It had to be killed with SIGKILL (the tray may still be locked). */
  readonly killed: boolean;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Children die with us. Node does not kill them on exit; an orphaned cdrdao would finish or
 * ruin a disc nobody records. Only synchronous work runs on 'exit': each gets SIGTERM, which
 * lets cdrdao abort the session and unlock the tray on its own.
 */
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGTERM');
    });
  }
  live.add(child);
  child.once('close', () => live.delete(child));
}

/**
 * Runs cdrdao to its end and collects its output. Resolves whatever the exit status (the
 * caller reads the reason from the lines); rejects only when cdrdao cannot be started
 * (a BurnError "cdrdao is not installed"). stdin is closed, so a prompt such as "hit return
 * to reload disk" reads end-of-file instead of hanging the burn.
 */
export function runCdrdao(opts: CdrdaoRunOptions): Promise<CdrdaoRun> {
  const { executable, signal } = opts;
  if (signal?.aborted) {
    return Promise.resolve({
      code: null,
      signal: null,
      stdout: '',
      lines: [],
      aborted: true,
      killed: false,
    });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(executable, [...opts.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    track(child);
    const lines: string[] = [];
    let stdout = '';
    let aborted = false;
    let killed = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const collect = (): ((chunk: string) => void) => {
      let partial = '';
      return (chunk) => {
        const parts = (partial + chunk).split(/\r\n|\n|\r/);
        partial = parts.pop() ?? '';
        for (const l of parts) take(l);
      };
    };
    const take = (line: string): void => {
      if (line.trim() === '') return;
      opts.onLine?.(line);
      if (/^(Wrote|Read) \d+ of \d+ MB/.test(line.trim())) return;
      lines.push(line);
      if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    };
    const onOut = collect();
    const onErr = collect();
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => {
      if (stdout.length < 1_000_000) stdout += c;
      onOut(c);
    });
    child.stderr?.on('data', (c: string) => onErr(c));

    const onAbort = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      aborted = true;
      child.kill('SIGTERM');
      graceTimer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, opts.killGraceMs ?? CDRDAO_KILL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill(); 'close' still follows
      signal?.removeEventListener('abort', onAbort);
      if (err.code === 'ENOENT') reject(cdrdaoMissing(executable, err));
      else
        reject(
          new BurnError('drive-missing', {
            message: `cdrdao at '${executable}' cannot be started: ${err.message}`,
            detail: err.message,
            cause: err,
          }),
        );
    });
    child.once('close', (code, sig) => {
      clearTimeout(graceTimer);
      signal?.removeEventListener('abort', onAbort);
      onOut('\n');
      onErr('\n');
      resolve({ code, signal: sig, stdout, lines, aborted, killed });
    });
  });
}

/** The run's messages from both streams as one text, for the table parsers. */
export function runText(run: CdrdaoRun): string {
  return run.lines.join('\n');
}
