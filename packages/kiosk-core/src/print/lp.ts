import { spawn } from 'node:child_process';
import { PrintError } from './errors.js';

export interface LpJob {
  /** The `lp` executable. */
  lp: string;
  /** CUPS queue (`lp -d`). */
  queue: string;
  /** Job title (`lp -t`), shown in the queue and on banner pages. */
  title: string;
  /** Absolute path of the PDF. */
  file: string;
  /** `lp` is stopped after this long (a hung scheduler must not hang the order). */
  timeoutMs: number;
}

/** What we keep of `lp`'s output: its answer is one line, its errors a few. */
const OUTPUT_LIMIT = 16 * 1024;

/**
 * CUPS's answer to a submitted job, "request id is QUEUE-42 (1 file(s))". A queue name may
 * hold any printable character but space, tab, `/` and `#`, so the id is everything up to
 * the space before the parenthesis.
 */
const REQUEST_ID = /^request id is (\S+-\d+) \(\d+ file\(s\)\)\s*$/m;

/** The request id in `lp`'s stdout, or null. */
export function parseRequestId(stdout: string): string | null {
  return REQUEST_ID.exec(stdout)?.[1] ?? null;
}

/**
 * Sends one PDF to a CUPS queue with `lp -d QUEUE -t TITLE FILE` and returns CUPS's request
 * id. Rejects with a PrintError: `lp-not-found`, `lp-failed` (with lp's stderr),
 * `lp-timeout`, `lp-unexpected-output`.
 */
export function submitToCups(job: LpJob): Promise<string> {
  const args = ['-d', job.queue, '-t', job.title, job.file];
  const command = `${job.lp} -d ${job.queue}`;
  return new Promise((resolve, reject) => {
    // lp translates its answer: under a German locale it says "Anfrage-ID ist ...". The C
    // locale keeps the line we parse, and the error text in the logs, in one language.
    const child = spawn(job.lp, args, {
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', LANGUAGE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout = (stdout + s).slice(0, OUTPUT_LIMIT);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr = (stderr + s).slice(-OUTPUT_LIMIT);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, job.timeoutMs);

    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const missing = err.code === 'ENOENT' || err.code === 'EACCES';
      reject(
        new PrintError({
          reason: missing ? 'lp-not-found' : 'lp-failed',
          message: missing
            ? `cannot run "${job.lp}" (${err.code}): is the CUPS client (package cups-client) installed?`
            : `${command} could not start: ${err.message}`,
          cause: err,
        }),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const err = stderr.trim();
      if (timedOut) {
        reject(
          new PrintError({
            reason: 'lp-timeout',
            message: `${command} gave no answer in ${job.timeoutMs} ms and was stopped (is the CUPS scheduler running?)`,
            stderr: err,
          }),
        );
      } else if (code !== 0) {
        const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
        reject(
          new PrintError({
            reason: 'lp-failed',
            message: `${command} ${how}: ${lastLine(err) || 'no message'}`,
            stderr: err,
          }),
        );
      } else {
        const id = parseRequestId(stdout);
        if (id) resolve(id);
        else {
          reject(
            new PrintError({
              reason: 'lp-unexpected-output',
              message: `${command} printed no request id: ${JSON.stringify(stdout.trim().slice(0, 200))}`,
              stderr: err,
            }),
          );
        }
      }
    });
  });
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  return lines[lines.length - 1]?.trim() ?? '';
}
