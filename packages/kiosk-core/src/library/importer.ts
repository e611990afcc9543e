import { resolve, sep } from 'node:path';
import type { Db } from '../db/index.js';
import type { CoverStore } from './covers.js';
import { fileStamp, findAudioFiles, readTrackFile, type DurationProbe } from './scan.js';
import type { ImportProgress, ImportReport, LibraryOptions, ScannedFile } from './types.js';
import { CatalogWriter } from './writer.js';

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Stops after the current file; what was read is kept, nothing is flagged missing. */
  signal?: AbortSignal;
  /** Called after each batch is committed (the library drops its cached aggregates). */
  onBatch?: () => void;
}

/** Files read before one write transaction: big enough to amortise the fsync of each commit. */
const batchSize = 200;

type Pending =
  { kind: 'add'; file: ScannedFile } | { kind: 'update'; id: number; file: ScannedFile };

/** Walks a folder and brings the library in step with it (see `Library.importFolder`). */
export async function importFolder(
  db: Db,
  covers: CoverStore,
  probeDuration: DurationProbe,
  log: LibraryOptions['log'],
  folder: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const dir = resolve(folder);
  const report: ImportReport = {
    scanned: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    skipped: [],
    warnings: [],
    missing: 0,
    aborted: false,
  };
  const files = await findAudioFiles(dir);
  const writer = new CatalogWriter(db);
  const seen = new Set<string>();
  let pending: Pending[] = [];
  const flush = (batch: Pending[]): void => {
    writer.batch(() => {
      for (const p of batch) {
        if (p.kind === 'add') writer.add(p.file, p.file);
        else writer.update(p.id, p.file);
      }
    });
    options.onBatch?.();
  };

  for (const path of files) {
    if (options.signal?.aborted) {
      report.aborted = true;
      break;
    }
    report.scanned++;
    let stamp;
    try {
      stamp = await fileStamp(path);
    } catch (err) {
      report.skipped.push({ path, reason: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const existing = writer.existing(path);
    if (existing && existing.file_size === stamp.size && existing.file_mtime_ms === stamp.mtimeMs) {
      seen.add(path);
      if (existing.missing) {
        writer.batch(() => writer.restore(existing.id));
        report.updated++;
      } else {
        report.unchanged++;
      }
    } else {
      const read = await readTrackFile(path, stamp, covers, probeDuration);
      if (!read.ok) {
        // Not marked seen: a track that was imported before and can no longer be read is
        // flagged missing below, so it is not offered and then fail to play.
        report.skipped.push({ path, reason: read.reason });
        log.warn({ path, reason: read.reason }, 'import: file skipped');
      } else {
        seen.add(path);
        if (read.warning) {
          report.warnings.push({ path, message: read.warning });
          log.warn({ path }, `import: ${read.warning}`);
        }
        pending.push(
          existing
            ? { kind: 'update', id: existing.id, file: read.file }
            : { kind: 'add', file: read.file },
        );
        if (existing) report.updated++;
        else report.added++;
        if (pending.length >= batchSize) {
          flush(pending);
          pending = [];
        }
      }
    }
    options.onProgress?.({ done: report.scanned, total: files.length, path });
  }
  flush(pending);
  if (!report.aborted) report.missing = flagMissing(db, dir, seen);
  log.info(
    { dir, ...report, skipped: report.skipped.length, warnings: report.warnings.length },
    'import done',
  );
  return report;
}

/**
 * Flags tracks under `dir` that the walk did not see (gone, or no longer readable). They are
 * kept, not deleted: play events (and their upload to the server) refer to them. They leave
 * the search index so that search and browse never offer a song that cannot play. Returns how
 * many were newly flagged.
 */
function flagMissing(db: Db, dir: string, seen: Set<string>): number {
  const base = dir.endsWith(sep) ? dir.slice(0, -1) : dir;
  // Every path under base sorts between base + '/' and base + '0' ('0' follows '/' in ASCII),
  // a range the UNIQUE index on path answers directly.
  const after = String.fromCharCode(sep.charCodeAt(0) + 1);
  const rows = db
    .prepare<[string, string], { id: number; path: string; missing: number }>(
      'SELECT id, path, missing FROM tracks WHERE path >= ? AND path < ?',
    )
    .all(base + sep, base + after);
  const gone = rows.filter((r) => !seen.has(r.path) && !r.missing);
  const mark = db.prepare('UPDATE tracks SET missing = 1 WHERE id = ?');
  const unindex = db.prepare('DELETE FROM track_search WHERE rowid = ?');
  db.transaction(() => {
    for (const r of gone) {
      mark.run(r.id);
      unindex.run(r.id);
    }
  })();
  return gone.length;
}
