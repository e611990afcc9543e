import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** A deterministic PRNG (mulberry32): the same seed replays the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function newestMtime(dir: string, keep: (file: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(file, keep));
    else if (keep(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * Throws unless each package was built (`tsc -b`) after its sources last changed: the crash
 * test runs the BUILT core, and a stale build would prove something about old code. The
 * build info file is the witness, as tsc leaves unchanged outputs untouched.
 */
export function assertBuilt(root: string, packages: readonly string[]): void {
  for (const pkg of packages) {
    const dir = path.join(root, pkg);
    const src = newestMtime(
      path.join(dir, 'src'),
      (f) => f.endsWith('.ts') && !f.includes('.test.') && !f.includes('test-support'),
    );
    let built = 0;
    try {
      built = statSync(path.join(dir, 'tsconfig.tsbuildinfo')).mtimeMs;
    } catch {
      // never built: reported below
    }
    if (built < src) {
      throw new Error(`${pkg} changed since its last build: run \`npx tsc -b ${pkg}\` first`);
    }
  }
}

/** A core child process; `ready` resolves with the URL once it prints its READY line. */
export interface CoreProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<string>;
  readonly exited: Promise<void>;
  /** The last lines the core wrote on stderr (its JSON log), for a failure message. */
  readonly stderrTail: () => string;
}

/** Spawns `node <cli> --config <file>` with stdout parsed for `JUKEBOX_CORE_READY <url>`. */
export function spawnCore(cli: string, configFile: string): CoreProcess {
  const child = spawn(process.execPath, [cli, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let tail: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    tail = [...tail, ...d.toString().split('\n')].slice(-20);
  });
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /JUKEBOX_CORE_READY (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then(() => reject(new Error('core exited before READY')));
  });
  ready.catch(() => undefined); // most cycles kill the core before READY on purpose
  return { child, ready, exited, stderrTail: () => tail.join('\n') };
}

/**
 * Reads, from outside the core, the ccTalk event counter in the checkpoint the core last
 * COMMITTED for `device` (`null` before the first one), through a read-only connection that
 * survives the writer being killed (WAL).
 */
export class CheckpointReader {
  #db: Database.Database | null = null;

  constructor(private readonly file: string) {}

  /** The checkpoint the core last committed for `device`, parsed; null when there is none. */
  committed(device: string): Record<string, unknown> | null {
    try {
      this.#db ??= new Database(this.file, { readonly: true, fileMustExist: true });
      const row = this.#db
        .prepare<[string], { checkpoint: string }>(
          'SELECT checkpoint FROM device_checkpoints WHERE device = ?',
        )
        .get(device);
      return row === undefined ? null : (JSON.parse(row.checkpoint) as Record<string, unknown>);
    } catch {
      // No database yet, or the table is not migrated yet: nothing committed.
      return null;
    }
  }

  /** The ccTalk event counter in the committed checkpoint of `device`. */
  committedCounter(device: string): number | null {
    const counter = this.committed(device)?.counter;
    return typeof counter === 'number' ? counter : null;
  }

  close(): void {
    this.#db?.close();
  }
}

/** ccTalk events from counter `from` to counter `to` (the counter wraps 255 -> 1, never 0). */
export function eventsBetween(from: number, to: number): number {
  return to >= from ? to - from : to + 255 - from;
}
