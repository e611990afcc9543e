import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** What a simulator CLI command answered. */
export interface SimCommandResult {
  output: string;
  quit?: boolean;
}

/**
 * Reads simulator commands from stdin, one per line, printing each answer, until EOF or a
 * command that quits; then closes the simulator.
 */
export async function serveStdinCommands<S extends { close(): Promise<void> }>(
  sim: S,
  run: (sim: S, line: string) => SimCommandResult,
): Promise<0> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const result = run(sim, line);
    if (result.output !== '') process.stdout.write(`${result.output}\n`);
    if (result.quit) break;
  }
  rl.close();
  await sim.close();
  return 0;
}

/**
 * Runs a CLI's `main` when its module is the process's entry point (not when a test imports
 * it), exiting with its code; a throw is printed with the command's name and exits 1.
 */
export function runIfMain(
  moduleUrl: string,
  name: string,
  main: (argv: string[]) => Promise<number>,
): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
