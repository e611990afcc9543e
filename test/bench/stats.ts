/** Percentile of a sample (nearest-rank), in the sample's unit. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Milliseconds elapsed while `fn` runs (high-resolution clock). */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function fmtMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** Prints one benchmark's result block: rows of measured vs reference, and the ratio. */
export function report(
  title: string,
  rows: {
    metric: string;
    ours: string;
    reference: string;
    ratio: number | null;
    target?: string;
  }[],
  notes: string[] = [],
): void {
  console.log(`\n## ${title}`);
  const head = ['metric', 'ours', 'reference', 'ours/ref', 'target'];
  const body = rows.map((r) => [
    r.metric,
    r.ours,
    r.reference,
    r.ratio === null ? '-' : `${r.ratio.toFixed(3)}x`,
    r.target ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
  for (const n of notes) console.log(`  ${n}`);
}
