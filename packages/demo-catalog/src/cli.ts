#!/usr/bin/env node
import { parseCommand, USAGE } from './cli-args.js';
import { generateCatalog } from './generate.js';
import { generateMetadata } from './metadata.js';
import { formatSummary, progressPrinter } from './progress.js';

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  if (!parsed.ok) {
    console.error(`jukebox-catalog: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const cmd = parsed.value;
  if (cmd.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  // Ctrl-C cancels the ffmpeg children cleanly; finished tracks stay recorded in the manifest.
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  if (cmd.command === 'generate') {
    const summary = await generateCatalog(
      { ...cmd.options, signal: abort.signal },
      { onProgress: progressPrinter(process.stderr) },
    );
    console.log(formatSummary(summary));
    return 0;
  }
  const summary = await generateMetadata(cmd.options);
  console.log(
    `wrote ${summary.records} records (${summary.artists} artists, ` +
      `${(summary.bytes / 1_048_576).toFixed(1)} MiB) to ${summary.out} in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`jukebox-catalog: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
