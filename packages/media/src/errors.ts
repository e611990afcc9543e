import type { FfmpegErrorKind } from './types.js';

/** How many stderr lines an FfmpegError keeps for diagnosis. */
export const STDERR_TAIL_LINES = 40;

export interface FfmpegErrorInit {
  kind: FfmpegErrorKind;
  executable: string;
  args: readonly string[];
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  stderrTail?: string;
  /** Overrides the generated message (used for not_found and bad_output). */
  message?: string;
  cause?: unknown;
}

/**
 * A failed ffmpeg/ffprobe run. The message names the executable, the input file when there
 * is one, and ffmpeg's own last meaningful error line, so a log line alone is enough to act on.
 */
export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  readonly kind: FfmpegErrorKind;
  readonly executable: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly args: readonly string[];
  /** The last ~40 lines ffmpeg wrote to stderr (progress lines removed). */
  readonly stderrTail: string;

  constructor(init: FfmpegErrorInit) {
    super(
      init.message ?? describeFailure(init),
      init.cause === undefined ? {} : { cause: init.cause },
    );
    this.kind = init.kind;
    this.executable = init.executable;
    this.exitCode = init.exitCode ?? null;
    this.signal = init.signal ?? null;
    this.args = [...init.args];
    this.stderrTail = init.stderrTail ?? '';
  }
}

/** True when `err` is an FfmpegError, optionally of the given kind. */
export function isFfmpegError(err: unknown, kind?: FfmpegErrorKind): err is FfmpegError {
  return err instanceof FfmpegError && (kind === undefined || err.kind === kind);
}

/** The first `-i` argument: the file a failure message should name (not a pipe). */
export function inputFileOf(args: readonly string[]): string | undefined {
  const at = args.indexOf('-i');
  const file = at >= 0 ? args[at + 1] : undefined;
  return file === undefined || file === '-' || file.startsWith('pipe:') ? undefined : file;
}

function describeFailure(init: FfmpegErrorInit): string {
  const input = inputFileOf(init.args);
  const on = input === undefined ? '' : ` on ${input}`;
  const tool = init.executable;
  switch (init.kind) {
    case 'cancelled':
      return `${tool} cancelled${on}`;
    case 'killed':
      return `${tool} killed by ${init.signal ?? 'a signal'}${on}`;
    default: {
      const line = lastErrorLine(init.stderrTail ?? '', input);
      const detail = line ?? `exit code ${init.exitCode ?? 'unknown'}`;
      return `${tool} failed${on}: ${detail}`;
    }
  }
}

// Lines ffmpeg prints on the way out that never carry the reason for a failure.
const NOISE = [
  /^\s*$/,
  /^Conversion failed!?$/,
  /^Exiting normally/,
  /^size=.*time=/,
  /^video:\S+ audio:/,
  /^\[out#/,
  // Generic follow-ups to a device or muxer failure; the line before them names the cause.
  /^Error initializing output stream/,
  /^Could not write header for output file/,
];

/**
 * ffmpeg's last meaningful error line, with the "<input>: " prefix and the "@ 0x..." context
 * pointers removed (they differ on every run and make log lines impossible to group).
 */
export function lastErrorLine(stderr: string, input?: string): string | undefined {
  const lines = stderr.split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = (lines[i] ?? '').trim();
    if (NOISE.some((re) => re.test(raw))) continue;
    let line = raw.replace(/ @ 0x[0-9a-f]+\]/g, ']');
    if (input !== undefined && line.startsWith(`${input}: `)) line = line.slice(input.length + 2);
    return line;
  }
  return undefined;
}
