import { execFile } from 'node:child_process';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runFfmpeg, type MediaTools } from '@jukebox/media';
import { renderCover } from './cover.js';
import { isUpToDate, readManifest, sha256File, specHash, writeManifest } from './manifest.js';
import { planCatalog, type PlanOptions } from './plan.js';
import { runPool } from './pool.js';
import { renderTrack } from './render.js';

const execFileAsync = promisify(execFile);

/** Bumped when the synthesis changes, so old files are made again. */
const GENERATOR_VERSION = 1;

export interface GenerateOptions extends PlanOptions {
  /** Catalog root; created if missing. */
  out: string;
  /** Speak "<title> by <artist>" over each intro with espeak-ng. */
  speak?: boolean;
  /** Parallel ffmpeg jobs (default: number of cores). */
  jobs?: number;
  tools?: MediaTools;
  /** espeak-ng executable (default "espeak-ng" from PATH). */
  espeak?: string;
  signal?: AbortSignal;
}

/** Reported after each track. */
export interface GenerateProgress {
  done: number;
  total: number;
  made: number;
  skipped: number;
  /** Path (relative to the root) of the track just finished. */
  last: string;
  elapsedMs: number;
}

export interface GenerateSummary {
  out: string;
  tracks: number;
  made: number;
  skipped: number;
  artists: number;
  albums: number;
  genres: string[];
  totalDurationMs: number;
  totalBytes: number;
  elapsedMs: number;
  speech: boolean;
  /** Non-fatal problems, e.g. --speak without espeak-ng. */
  warnings: string[];
}

/**
 * Generates (or brings up to date) the demo catalog: covers first, then every track in
 * parallel. Files already correct from an earlier run with the same options are skipped.
 * Rejects with the first FfmpegError if a track cannot be made.
 */
export async function generateCatalog(
  options: GenerateOptions,
  hooks: { onProgress?: (progress: GenerateProgress) => void } = {},
): Promise<GenerateSummary> {
  const started = performance.now();
  const plan = planCatalog(options);
  const warnings: string[] = [];
  const espeak = options.speak ? await findEspeak(options.espeak ?? 'espeak-ng', warnings) : null;
  const ffmpegVersion = await toolVersion(options.tools);

  await mkdir(options.out, { recursive: true });
  const manifest = await readManifest(options.out);
  const record = async (relPath: string, spec: string) => {
    const abs = join(options.out, relPath);
    const [sha256, info] = await Promise.all([sha256File(abs), stat(abs)]);
    manifest.files[relPath] = { spec, sha256, size: info.size };
  };

  for (const album of plan.albums) {
    await mkdir(join(options.out, album.dir), { recursive: true });
    const spec = specHash({ v: GENERATOR_VERSION, album });
    if (await isUpToDate(manifest, options.out, album.coverPath, spec)) continue;
    const target = join(options.out, album.coverPath);
    await writeFile(`${target}.partial`, await renderCover(album));
    await rename(`${target}.partial`, target);
    await record(album.coverPath, spec);
  }

  let done = 0;
  let made = 0;
  let skipped = 0;
  try {
    await runPool(plan.tracks, options.jobs ?? availableParallelism(), async (track) => {
      const album = plan.albums[track.albumId - 1];
      if (!album) throw new Error(`track ${track.id} has no album`);
      const coverSpec = manifest.files[album.coverPath]?.spec;
      const spec = specHash({
        v: GENERATOR_VERSION,
        track,
        ffmpegVersion,
        coverSpec,
        speech: espeak !== null,
      });
      if (await isUpToDate(manifest, options.out, track.path, spec)) {
        skipped++;
      } else {
        await renderTrack(
          track,
          join(options.out, album.coverPath),
          join(options.out, track.path),
          {
            espeak,
            ...(options.tools ? { tools: options.tools } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          },
        );
        await record(track.path, spec);
        made++;
      }
      done++;
      hooks.onProgress?.({
        done,
        total: plan.tracks.length,
        made,
        skipped,
        last: track.path,
        elapsedMs: performance.now() - started,
      });
    });
  } finally {
    // Written even after a failure, so the tracks that did get made are skipped next time.
    await writeManifest(options.out, manifest);
  }

  let totalBytes = 0;
  for (const track of plan.tracks) totalBytes += manifest.files[track.path]?.size ?? 0;
  return {
    out: options.out,
    tracks: plan.tracks.length,
    made,
    skipped,
    artists: plan.artists.length,
    albums: plan.albums.length,
    genres: [...new Set(plan.tracks.map((t) => t.genre))].sort(),
    totalDurationMs: plan.tracks.reduce((sum, t) => sum + t.durationMs, 0),
    totalBytes,
    elapsedMs: performance.now() - started,
    speech: espeak !== null,
    warnings,
  };
}

async function findEspeak(executable: string, warnings: string[]): Promise<string | null> {
  try {
    await execFileAsync(executable, ['--version']);
    return executable;
  } catch {
    warnings.push(`--speak: ${executable} not found, generating without spoken intros`);
    return null;
  }
}

/** The ffmpeg version line: part of every track's spec, as other builds encode differently. */
async function toolVersion(tools: MediaTools | undefined): Promise<string> {
  const { stdout } = await runFfmpeg(['-version'], tools ? { tools } : {});
  return stdout.toString('utf8').split('\n')[0] ?? '';
}
