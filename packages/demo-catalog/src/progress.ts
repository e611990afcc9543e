import type { GenerateProgress, GenerateSummary } from './generate.js';

/**
 * Progress output: a redrawn bar with ETA on a TTY, and on a pipe (CI logs) a plain line
 * every 10% so logs stay short.
 */
export function progressPrinter(stream: NodeJS.WriteStream): (p: GenerateProgress) => void {
  let lastDecile = -1;
  return (p) => {
    const eta = p.done > 0 ? ((p.elapsedMs / p.done) * (p.total - p.done)) / 1000 : 0;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round((p.done / p.total) * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      stream.write(`\r[${bar}] ${p.done}/${p.total}  ETA ${formatSeconds(eta)}  `);
      if (p.done === p.total) stream.write('\n');
      return;
    }
    const decile = Math.floor((p.done / p.total) * 10);
    if (decile !== lastDecile || p.done === p.total) {
      lastDecile = decile;
      stream.write(
        `tracks ${p.done}/${p.total} (made ${p.made}, skipped ${p.skipped}), ETA ${formatSeconds(eta)}\n`,
      );
    }
  };
}

/** The end-of-run summary, one fact per line. */
export function formatSummary(s: GenerateSummary): string {
  return [
    `catalog: ${s.out}`,
    `tracks: ${s.tracks} (made ${s.made}, already up to date ${s.skipped})`,
    `artists: ${s.artists}, albums: ${s.albums}`,
    `genres: ${s.genres.join(', ')}`,
    `total duration: ${formatSeconds(s.totalDurationMs / 1000)}`,
    `size: ${(s.totalBytes / 1_048_576).toFixed(1)} MiB`,
    `spoken intros: ${s.speech ? 'yes' : 'no'}`,
    `time: ${formatSeconds(s.elapsedMs / 1000)}`,
    ...s.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

function formatSeconds(seconds: number): string {
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  return `${m}:${String(total % 60).padStart(2, '0')}`;
}
