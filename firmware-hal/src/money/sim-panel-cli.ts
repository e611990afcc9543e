#!/usr/bin/env node
/**
 * `jukebox-money-sim [--port 8481]`: the money simulator panel (a ccTalk coin acceptor and an
 * eSSP note validator on socat ptys, driven from a web page). When ready it prints one JSON
 * line on stdout, `{"coins": PATH, "notes": PATH, "panel": URL}`, for a launcher to read; it
 * runs until SIGTERM or SIGINT.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startMoneySimPanel } from './sim-panel.js';

export const USAGE = [
  'usage: jukebox-money-sim [--port N]',
  '  --port N   panel port on 127.0.0.1 (default 8481; 0 = any free port)',
  'prints {"coins": PATH, "notes": PATH, "panel": URL} on one line when ready',
].join('\n');

/** Parses the arguments; a string is the error to print with the usage. */
export function parsePanelArgs(argv: readonly string[]): { port: number } | string {
  let values: { port?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { port: { type: 'string' } },
    }));
  } catch (err) {
    return (err as Error).message;
  }
  const port = Number(values.port ?? '8481');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return `--port must be 0-65535, not "${values.port}"`;
  }
  return { port };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parsePanelArgs(argv);
  if (typeof args === 'string') {
    console.error(`jukebox-money-sim: ${args}\n${USAGE}`);
    process.exit(2);
  }
  const panel = await startMoneySimPanel({ port: args.port });
  process.stdout.write(
    `${JSON.stringify({ coins: panel.coinsPath, notes: panel.notesPath, panel: panel.url })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // socat must not outlive us, or the ptys stay behind; close() kills it.
    panel.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// Run when executed, also through the npm bin symlink (argv[1] is then the link's path).
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`jukebox-money-sim: ${(err as Error).message}`);
    process.exit(1);
  });
}
