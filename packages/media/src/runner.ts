import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { KILL_GRACE_MS, track } from './children.js';
import { FfmpegError } from './errors.js';
import { StderrCollector } from './stderr-lines.js';
import { defaultTools, type FfmpegProcess, type RunOptions, type RunResult } from './types.js';

/** Options for a streaming child. */
export interface SpawnOptions extends RunOptions {
  /** 'pipe' gives the caller a writable stdin (for `-i pipe:0` sinks). Default: no stdin. */
  stdin?: 'pipe' | 'ignore';
}

/** A streaming ffmpeg child with, when asked for, a writable stdin. */
export interface FfmpegChildProcess extends FfmpegProcess {
  readonly stdin: Writable | null;
  /** The last ~40 stderr lines so far (progress removed). */
  readonly stderrTail: string;
}

type Tool = 'ffmpeg' | 'ffprobe';

interface Started {
  child: ChildProcess | null;
  collector: StderrCollector;
  /** Settles once the child is reaped (or failed to start); rejects with an FfmpegError. */
  done: Promise<void>;
  kill(): Promise<void>;
}

/**
 * Runs ffmpeg to completion and returns its stdout and log. Rejects with an FfmpegError:
 * 'not_found', 'failed' (non-zero exit), 'killed' (a signal we did not send), 'cancelled'.
 */
export async function runFfmpeg(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runToEnd('ffmpeg', args, opts);
}

/** Runs ffprobe to completion; same contract as runFfmpeg. */
export async function runFfprobe(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runToEnd('ffprobe', args, opts);
}

/**
 * Starts ffmpeg and hands back its stdout as a stream (decoders), or its stdin (sinks).
 * `done` rejects with an FfmpegError; it is pre-handled, so a caller that only calls kill()
 * gets no unhandled rejection.
 */
export function spawnFfmpeg(args: string[], opts: SpawnOptions = {}): FfmpegChildProcess {
  const stdinMode = opts.input !== undefined ? 'pipe' : (opts.stdin ?? 'ignore');
  const started = start('ffmpeg', args, opts, stdinMode, false);
  const { child, collector } = started;
  const stdout = child?.stdout ? ownedOutput(child.stdout) : emptyReadable();
  return {
    pid: child?.pid,
    stdout,
    stdin: opts.input === undefined ? (child?.stdin ?? null) : null,
    done: started.done,
    kill: started.kill,
    get stderrTail() {
      return collector.tailText;
    },
  };
}

/**
 * Node resumes (and so discards) a child's stdout that nobody consumes when the child exits.
 * A decoder started ahead of time for gapless playback can finish before anyone reads it, and
 * its whole track would vanish. Piping into a stream of our own keeps the bytes (with
 * backpressure, so a long track still waits for its reader); destroying that stream releases
 * the child's pipe, so a consumer that gives up does not keep the child from being reaped.
 */
function ownedOutput(source: Readable): Readable {
  const out = new PassThrough();
  source.pipe(out);
  source.on('error', (err) => out.destroy(err));
  out.on('close', () => source.destroy());
  return out;
}

async function runToEnd(tool: Tool, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = start(tool, args, opts, opts.input !== undefined ? 'pipe' : 'ignore', true);
  const chunks: Buffer[] = [];
  started.child?.stdout?.on('data', (c: Buffer) => chunks.push(c));
  await started.done;
  return { stdout: Buffer.concat(chunks), stderr: started.collector.fullText };
}

/** Global options ffmpeg should always get, unless the caller already chose otherwise. */
export function withGlobalOptions(
  tool: Tool,
  args: readonly string[],
  usesStdin: boolean,
  progress: boolean,
): string[] {
  const pre: string[] = [];
  if (!args.includes('-hide_banner')) pre.push('-hide_banner');
  if (tool === 'ffmpeg') {
    // -nostdin stops ffmpeg from eating keystrokes (and hanging on a tty), but a sink that
    // reads PCM from pipe:0 needs stdin.
    if (!usesStdin && !args.includes('-nostdin')) pre.push('-nostdin');
    if (!args.includes('-stats') && !args.includes('-nostats')) pre.push('-nostats');
    if (progress && !args.includes('-progress')) pre.push('-progress', 'pipe:2');
  }
  return [...pre, ...args];
}

function start(
  tool: Tool,
  callerArgs: string[],
  opts: RunOptions,
  stdinMode: 'pipe' | 'ignore',
  keepAll: boolean,
): Started {
  const executable = (opts.tools ?? defaultTools)[tool];
  const args = withGlobalOptions(tool, callerArgs, stdinMode === 'pipe', !!opts.onProgress);
  const collector = new StderrCollector({
    keepAll,
    ...(opts.durationMs === undefined ? {} : { durationMs: opts.durationMs }),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const fail = (init: Omit<ConstructorParameters<typeof FfmpegError>[0], 'executable' | 'args'>) =>
    new FfmpegError({ executable, args, stderrTail: collector.tailText, ...init });

  if (opts.signal?.aborted) {
    const done = Promise.reject(fail({ kind: 'cancelled' }));
    done.catch(() => undefined);
    return { child: null, collector, done, kill: async () => undefined };
  }

  const child = spawn(executable, args, {
    stdio: [stdinMode, 'pipe', 'pipe'],
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  });
  track(child);

  let killRequested = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const reaped = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err?: Error }>(
    (resolve) => {
      child.once('error', (err) => {
        // Only a failure to start ends the child here; a failed kill() is reported and the
        // 'close' event still follows.
        if (child.pid === undefined) resolve({ code: null, signal: null, err });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    },
  );

  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => collector.push(c));
  // A child that dies while we write to it raises EPIPE here; its exit status reports it.
  child.stdin?.on('error', () => undefined);
  if (opts.input !== undefined && child.stdin) {
    if (Buffer.isBuffer(opts.input)) child.stdin.end(opts.input);
    else opts.input.pipe(child.stdin);
  }

  const kill = async (): Promise<void> => {
    if (!killRequested && child.exitCode === null && child.signalCode === null) {
      killRequested = true;
      // SIGTERM lets ffmpeg close its output cleanly; SIGKILL if it is stuck (e.g. on a device).
      child.kill('SIGTERM');
      graceTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }
    await reaped;
  };

  const onAbort = () => void kill();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const done = reaped.then(({ code, signal, err }) => {
    clearTimeout(graceTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    collector.end();
    if (err) throw startError(executable, tool, args, err);
    if (killRequested) throw fail({ kind: 'cancelled', exitCode: code, signal });
    if (signal !== null) throw fail({ kind: 'killed', exitCode: code, signal });
    if (code !== 0) throw fail({ kind: 'failed', exitCode: code, signal });
  });
  done.catch(() => undefined);
  return { child, collector, done, kill };
}

function startError(executable: string, tool: Tool, args: string[], err: Error): FfmpegError {
  const code = (err as NodeJS.ErrnoException).code;
  const message =
    code === 'ENOENT'
      ? `${tool} not found at '${executable}': install it (apt-get install ffmpeg) or set tools.${tool}`
      : code === 'EACCES'
        ? `${tool} at '${executable}' is not executable: fix its permissions or set tools.${tool}`
        : `${tool} could not be started from '${executable}': ${err.message}`;
  return new FfmpegError({ kind: 'not_found', executable, args, message, cause: err });
}

function emptyReadable(): Readable {
  return Readable.from([]);
}
