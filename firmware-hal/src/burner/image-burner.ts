import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classifyFailure, parseTocSize, readTestFraction } from './cdrdao-output.js';
import { runCdrdao, type CdrdaoRun } from './cdrdao-run.js';
import { BurnError } from './errors.js';
import { parseTocFiles, rewriteTocFiles, TocSyntaxError, type TocFileRef } from './toc-file.js';
import type {
  BurnImage,
  BurnOptions,
  BurnProgress,
  Burner,
  BurnerLog,
  BurnResult,
  DriveStatus,
} from './types.js';

export interface ImageBurnerOptions {
  id: string;
  /** Finished images go to `<dir>/<label>/`. */
  dir: string;
  /** Check each copy with `cdrdao toc-size` and `cdrdao read-test` before it is published. */
  verify: boolean;
  /** The cdrdao executable for the checks. */
  cdrdao?: string;
  log?: BurnerLog;
  killGraceMs?: number;
}

/** A label becomes a folder name, so it may not contain separators or start with a dot. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const CHUNK_BYTES = 1 << 20;

/**
 * The virtual burner: "burning" copies the TOC and its WAV files into `<dir>/<label>/`.
 * The copy is made in a temporary folder beside it, each file fsynced, checked with real
 * cdrdao when `verify` is on, and only then renamed into place (and the parent folder
 * fsynced): a folder named after a recording is always complete, and checked when `verify`
 * is on. A TOC whose FILE names leave the image's own folder is refused, so an image cannot
 * make the burner copy arbitrary files.
 */
export class ImageBurner implements Burner {
  readonly driver = 'image' as const;
  readonly id: string;

  constructor(private readonly opts: ImageBurnerOptions) {
    this.id = opts.id;
  }

  async probe(): Promise<DriveStatus> {
    return {
      ready: true,
      blank: true,
      capacitySectors: null,
      mediaSerial: null,
      problem: null,
      detail: `image folder ${this.opts.dir}`,
    };
  }

  async eject(): Promise<void> {}

  async burn(image: BurnImage, { onProgress, signal }: BurnOptions = {}): Promise<BurnResult> {
    const started = performance.now();
    const progress = monotonic(onProgress);
    if (!LABEL.test(image.label)) {
      throw new BurnError('bad-image', {
        detail: `label "${image.label}" is not a plain folder name (letters, digits, ., _, -)`,
      });
    }
    progress({ phase: 'preparing', fraction: 0, detail: image.tocPath });
    const plan = await planCopy(resolve(image.tocPath));
    const dir = resolve(this.opts.dir);
    await mkdir(dir, { recursive: true });
    const temp = await mkdtemp(join(dir, `.${image.label}.tmp-`));
    try {
      const writeTo = this.opts.verify ? 0.8 : 0.97;
      await copyImage(plan, temp, signal, (done) => {
        progress({
          phase: 'writing',
          fraction: 0.02 + ((writeTo - 0.02) * done) / plan.totalBytes,
        });
      });
      if (this.opts.verify) await this.check(temp, plan.tocName, signal, progress);
      progress({ phase: 'fixating', fraction: 0.98, detail: 'publishing the image' });
      const outputDir = join(dir, image.label);
      await publish(temp, outputDir);
      progress({ phase: 'fixating', fraction: 1 });
      return {
        durationMs: performance.now() - started,
        mediaSerial: null,
        outputDir,
        verified: this.opts.verify,
      };
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
  }

  /** `cdrdao toc-size` then `cdrdao read-test` on the copy; either failing is verify-failed. */
  private async check(
    folder: string,
    tocName: string,
    signal: AbortSignal | undefined,
    progress: (p: BurnProgress) => void,
  ): Promise<void> {
    progress({ phase: 'verifying', fraction: 0.8, detail: 'cdrdao toc-size' });
    const size = await this.cdrdao(['toc-size', tocName], folder, signal);
    let blocks: number;
    try {
      blocks = parseTocSize(size.stdout);
    } catch (err) {
      throw new BurnError('verify-failed', { detail: (err as Error).message, cause: err });
    }
    progress({
      phase: 'verifying',
      fraction: 0.82,
      detail: `cdrdao read-test (${blocks} sectors)`,
    });
    await this.cdrdao(['read-test', tocName], folder, signal, (line) => {
      const f = readTestFraction(line);
      if (f !== null)
        progress({ phase: 'verifying', fraction: 0.82 + 0.15 * f, detail: line.trim() });
    });
  }

  private async cdrdao(
    args: string[],
    cwd: string,
    signal: AbortSignal | undefined,
    onLine?: (line: string) => void,
  ): Promise<CdrdaoRun> {
    const run = await runCdrdao({
      executable: this.opts.cdrdao ?? 'cdrdao',
      args,
      cwd,
      ...(signal ? { signal } : {}),
      ...(onLine ? { onLine } : {}),
      ...(this.opts.killGraceMs === undefined ? {} : { killGraceMs: this.opts.killGraceMs }),
    });
    if (run.aborted) throw new BurnError('aborted');
    if (run.code !== 0) {
      const cause = classifyFailure(run.lines, run);
      this.opts.log?.warn(`burner ${this.id}: cdrdao ${args[0]} failed: ${cause.detail ?? ''}`);
      throw new BurnError('verify-failed', { detail: cause.detail, cause });
    }
    return run;
  }
}

/** What to copy: the TOC text, its FILE references and their sources, checked. */
interface CopyPlan {
  tocName: string;
  tocText: string;
  refs: TocFileRef[];
  /** Relative name in the image folder -> source path, one entry per distinct file. */
  files: Map<string, { source: string; bytes: number }>;
  /** Relative name for each ref, in `refs` order. */
  names: string[];
  totalBytes: number;
}

async function planCopy(tocPath: string): Promise<CopyPlan> {
  let tocText: string;
  try {
    tocText = await readFile(tocPath, 'utf8');
  } catch (err) {
    throw new BurnError('bad-image', {
      detail: `${tocPath}: ${(err as Error).message}`,
      cause: err,
    });
  }
  let refs: TocFileRef[];
  try {
    refs = parseTocFiles(tocText);
  } catch (err) {
    if (!(err instanceof TocSyntaxError)) throw err;
    throw new BurnError('bad-image', { detail: `${tocPath}: ${err.message}`, cause: err });
  }
  if (refs.length === 0)
    throw new BurnError('bad-image', { detail: `${tocPath}: no FILE statement` });

  const folder = dirname(tocPath);
  const realFolder = await realpath(folder);
  const files = new Map<string, { source: string; bytes: number }>();
  const names: string[] = [];
  for (const ref of refs) {
    const where = `${basename(tocPath)} line ${ref.line}: ${ref.keyword} "${ref.path}"`;
    const outside = (): BurnError =>
      new BurnError('bad-image', { detail: `${where} points outside the image folder ${folder}` });
    if (ref.path.split(/[\\/]/).includes('..')) throw outside();
    const name = relative(folder, resolve(folder, ref.path));
    if (name === '' || isAbsolute(name) || name.startsWith(`..${sep}`)) throw outside();
    let source: string;
    let bytes: number;
    try {
      // realpath: a symlink inside the folder must not lead out of it either.
      source = await realpath(join(folder, name));
      const s = await stat(source);
      if (!s.isFile()) throw new Error('not a regular file');
      bytes = s.size;
    } catch (err) {
      throw new BurnError('bad-image', {
        detail: `${where}: ${(err as Error).message}`,
        cause: err,
      });
    }
    if (!source.startsWith(realFolder + sep)) throw outside();
    files.set(name, { source, bytes });
    names.push(name);
  }
  let totalBytes = Buffer.byteLength(tocText);
  for (const f of files.values()) totalBytes += f.bytes;
  return { tocName: basename(tocPath), tocText, refs, files, names, totalBytes };
}

/** Copies every file and the rewritten TOC into `temp`, fsyncing each one. */
async function copyImage(
  plan: CopyPlan,
  temp: string,
  signal: AbortSignal | undefined,
  onBytes: (done: number) => void,
): Promise<void> {
  let done = 0;
  const buf = Buffer.alloc(CHUNK_BYTES);
  for (const [name, { source }] of plan.files) {
    const target = join(temp, name);
    await mkdir(dirname(target), { recursive: true });
    const input = await open(source, 'r');
    try {
      const output = await open(target, 'wx');
      try {
        for (;;) {
          if (signal?.aborted) throw new BurnError('aborted');
          const { bytesRead } = await input.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          await output.write(buf, 0, bytesRead);
          done += bytesRead;
          onBytes(done);
        }
        await output.sync();
      } finally {
        await output.close();
      }
    } finally {
      await input.close();
    }
  }
  // Names are rewritten to the (normalised) relative names of the copies.
  const names = new Map(plan.refs.map((r, i) => [r, plan.names[i] ?? r.path]));
  const toc = rewriteTocFiles(plan.tocText, plan.refs, (r) =>
    (names.get(r) ?? r.path).split(sep).join('/'),
  );
  await writeSynced(join(temp, plan.tocName), toc);
  onBytes(done + Buffer.byteLength(plan.tocText));
}

async function writeSynced(path: string, text: string): Promise<void> {
  const f = await open(path, 'wx');
  try {
    await f.writeFile(text);
    await f.sync();
  } finally {
    await f.close();
  }
}

/**
 * Renames the finished copy to its final name. A folder already there (a retry of a burn
 * whose result was not recorded) is moved aside first and removed after, so the name never
 * points at a half-made image.
 */
async function publish(temp: string, outputDir: string): Promise<void> {
  const parent = dirname(outputDir);
  await syncDir(temp);
  let old: string | null = null;
  try {
    await rename(temp, outputDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    old = join(parent, `.${basename(outputDir)}.old-${randomBytes(4).toString('hex')}`);
    await rename(outputDir, old);
    await rename(temp, outputDir);
  }
  await syncDir(parent);
  if (old !== null) await rm(old, { recursive: true, force: true });
}

async function syncDir(path: string): Promise<void> {
  const d = await open(path, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Wraps a progress callback so that fractions never go backwards. */
function monotonic(onProgress: BurnOptions['onProgress']): (p: BurnProgress) => void {
  let last = 0;
  return (p) => {
    last = Math.max(last, Math.min(1, p.fraction));
    onProgress?.({ ...p, fraction: last });
  };
}
