import { spawn } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { KILL_GRACE_MS, track } from '../children.js';
import { CdImageError } from './errors.js';

export interface CheckCdImageOptions {
  /** The cdrdao executable (default from PATH). */
  cdrdao?: string;
  /** Stops the check: cdrdao is killed and the promise rejects ('cancelled'). */
  signal?: AbortSignal;
}

export interface CdImageCheck {
  ok: boolean;
  /** Sectors of the program, pregap included, when cdrdao could read the TOC. */
  sectors?: number;
  /** cdrdao's own reason lines (`ERROR: ...`, `WARNING: ...`), boilerplate removed. */
  problems: string[];
}

// Lines cdrdao adds to any failed check; the lines before them say what is wrong.
const BOILERPLATE = [
  /^ERROR: The toc check function detected at least one warning\.$/,
  /^ERROR: If you record this toc the resulting CD might be unusable$/,
  /^ERROR: or the recording process might abort with error\.$/,
  /^ERROR: Use option --force to ignore the warnings\.$/,
];

/**
 * Checks an image the way cdrdao will see it when burning, without a drive: `cdrdao
 * toc-size` parses the TOC and opens every WAV (a missing file, a WAV that is not
 * 44.1 kHz/16-bit/stereo, a track under 4 s all fail it), then `cdrdao read-test` reads all
 * the audio. Each exits 1 on a problem; their reason lines become `problems`. Both run in
 * the TOC's folder, since cdrdao opens the TOC's file names relative to its working
 * directory. Rejects (CdImageError 'tool-failed') only when cdrdao itself cannot be run.
 */
export async function checkCdImage(
  tocPath: string,
  options: CheckCdImageOptions = {},
): Promise<CdImageCheck> {
  const executable = options.cdrdao ?? 'cdrdao';
  const cwd = dirname(tocPath);
  const toc = basename(tocPath);

  const size = await runCdrdao(executable, ['toc-size', toc], cwd, options.signal);
  const sectors = /^\s*(\d+)\s*$/.exec(size.stdout)?.[1];
  if (size.code !== 0 || sectors === undefined) {
    return { ok: false, problems: problemLines(size, 'cdrdao toc-size') };
  }
  const read = await runCdrdao(executable, ['read-test', toc], cwd, options.signal);
  if (read.code !== 0) {
    return {
      ok: false,
      sectors: Number(sectors),
      problems: problemLines(read, 'cdrdao read-test'),
    };
  }
  return { ok: true, sectors: Number(sectors), problems: [] };
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function problemLines(ran: Ran, what: string): string[] {
  const lines = ran.stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => /^(ERROR|WARNING): /.test(l) && !BOILERPLATE.some((re) => re.test(l)));
  if (lines.length > 0) return lines;
  // No reason given (killed, or a version that words it differently): say what we know.
  const status = ran.signal === null ? `exit code ${ran.code}` : `killed by ${ran.signal}`;
  const tail = ran.stderr.trim().split(/\r?\n/).slice(-3).join(' / ');
  return [`${what} failed (${status})${tail === '' ? '' : `: ${tail}`}`];
}

function runCdrdao(
  executable: string,
  args: string[],
  cwd: string,
  signal: AbortSignal | undefined,
): Promise<Ran> {
  const fail = (kind: 'tool-failed' | 'cancelled', message: string, cause?: unknown) =>
    new CdImageError({ kind, message, ...(cause === undefined ? {} : { cause }) });
  if (signal?.aborted) return Promise.reject(fail('cancelled', 'CD image check cancelled'));
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    // read-test reports progress with \r-ended lines on stderr; keep only what fits a reason.
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-64 * 1024);
    });
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill('SIGTERM');
      grace = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      signal?.removeEventListener('abort', onAbort);
      reject(
        fail(
          'tool-failed',
          err.code === 'ENOENT'
            ? `cdrdao not found at '${executable}': install it (apt-get install cdrdao)`
            : `cdrdao could not be started from '${executable}': ${err.message}`,
          err,
        ),
      );
    });
    child.once('close', (code, sig) => {
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(fail('cancelled', 'CD image check cancelled'));
      else resolve({ code, signal: sig, stdout, stderr });
    });
  });
}
