import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Child processes for the fleet benchmarks: TypeScript entry points run from their sources
 * (tsx, the @jukebox/source condition) as real processes, a cleanup stack that kills them and
 * removes temp folders whether the benchmark finished or failed, and readings of a process's
 * memory from /proc.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
export const NODE_TS = ['--conditions=@jukebox/source', '--import', tsx];
export const benchDir = here;

/**
 * Only what a child needs, plus `extra`: no DATABASE_URL or other settings of the shell leak
 * into a server or box (a box must not read the bench's PostgreSQL URL, say).
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

/** Every child started here, so that an exit of the bench (even a crash) takes them along. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Spawned {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** The last 200 kB of the child's stderr (for error messages). */
  stderr(): string;
  /** SIGTERM (or `signal`), then waits for the exit; a child that hangs 10 s gets SIGKILL. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node <NODE_TS> script args…` (a TypeScript entry point from its sources). With
 * `openFiles`, a soft limit on open files below it is raised first (up to the hard limit).
 */
export function spawnTs(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; ipc?: boolean; openFiles?: number } = {},
): Spawned {
  const node = [process.execPath, ...NODE_TS, script, ...args];
  const limit = opts.openFiles === undefined ? null : openFilesFor(opts.openFiles);
  if (limit === null) return spawnChild(node[0]!, node.slice(1), opts);
  // `ulimit` is a shell builtin: the shell raises its own limit, then becomes node.
  return spawnChild('sh', ['-c', `ulimit -n ${limit} && exec "$0" "$@"`, ...node], opts);
}

/** The soft limit to set for `wanted` open files, or null when the current one suffices. */
function openFilesFor(wanted: number): number | null {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const soft = m?.[1] === 'unlimited' ? Infinity : Number(m?.[1]);
  const hard = m?.[2] === 'unlimited' ? Infinity : Number(m?.[2]);
  if (soft >= wanted) return null;
  return Math.min(wanted, hard);
}

/** Starts any command with stdout and stderr piped (and an IPC channel when asked). */
export function spawnChild(
  command: string,
  args: string[],
  opts: { env?: Record<string, string>; ipc?: boolean } = {},
): Spawned {
  const stdio: StdioOptions = opts.ipc
    ? ['ignore', 'pipe', 'pipe', 'ipc']
    : ['ignore', 'pipe', 'pipe'];
  const child = spawn(command, args, { env: childEnv(opts.env), stdio });
  live.add(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 400_000) err = err.slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    stderr: () => err,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits for a line of stdout matching `re` and returns the match. */
export function waitForLine(s: Spawned, re: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${re} not seen in ${timeoutMs} ms:\n${s.stderr().slice(-3000)}`)),
      timeoutMs,
    );
    s.child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void s.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${re}:\n${s.stderr().slice(-3000)}`));
    });
  });
}

/** Runs a command to completion; rejects on a non-zero exit with its stderr. */
export async function runToEnd(
  script: string,
  args: string[],
  opts: { env?: Record<string, string> } = {},
): Promise<string> {
  const s = spawnTs(script, args, opts);
  let out = '';
  s.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const code = await s.exited;
  if (code !== 0) throw new Error(`${script} exited ${code}:\n${s.stderr()}`);
  return out;
}

/** Cleanups not yet run: an interrupted benchmark (Ctrl-C) runs them before it exits. */
const pending = new Set<Cleanup>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the fleet benchmark's processes and removing its files`);
    void Promise.all([...pending].map((c) => c.close())).finally(() => process.exit(130));
  });
}

/**
 * Things to undo, last in first out. A benchmark pushes each process and temp folder as it
 * makes them and runs `close()` in `finally`, so a failure half-way leaves nothing behind.
 */
export class Cleanup {
  readonly #steps: (() => unknown)[] = [];

  constructor() {
    pending.add(this);
  }

  push(step: () => unknown): void {
    this.#steps.push(step);
  }

  async close(): Promise<void> {
    pending.delete(this);
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`  cleanup step failed: ${(err as Error).message}`);
      }
    }
  }
}

/** A port that was free a moment ago (for servers that cannot listen on port 0, like rsync). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Memory of a process from /proc/<pid>/status, in KiB: resident now and its peak. */
export function memoryOf(pid: number): { rssKiB: number; peakKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

/** The soft limit on open files of a process, from /proc/<pid>/limits. */
export function openFilesLimit(pid: number): string {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  return m ? `${m[1]} (hard ${m[2]})` : 'unknown';
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `fn` every `everyMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function until<T>(
  fn: () => Promise<T | false | null | undefined>,
  what: string,
  opts: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(opts.everyMs ?? 50);
  }
}

export const MiB = 1024 * 1024;
export const fmtBytes = (n: number): string =>
  n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU time of a process so far, in ms: user + system of all its threads (the libuv pool and
 * V8's helpers included), from /proc/<pid>/stat; with `children`, also that of its children
 * it has waited for (a daemon's forked workers, a command run to its end). 10 ms resolution.
 */
export function cpuMs(pid: number, opts: { children?: boolean } = {}): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 (state) on.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(f[n - 3]);
  const own = field(14) + field(15);
  const waited = opts.children ? field(16) + field(17) : 0;
  return ((own + waited) * 1000) / USER_HZ;
}
