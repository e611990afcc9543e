import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_CATALOG } from './catalog.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Makes the e2e catalog once: a dozen short tracks (the generator is deterministic and keeps files
 * that are already right, so later runs take a moment).
 */
export default function globalSetup(): void {
  const out = path.join(root, 'test/e2e/.cache/catalog');
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'packages/demo-catalog/dist/cli.js'),
      'generate',
      '--out',
      out,
      '--tracks',
      String(E2E_CATALOG.tracks),
      '--min-seconds',
      String(E2E_CATALOG.minSeconds),
      '--max-seconds',
      String(E2E_CATALOG.maxSeconds),
      '--seed',
      String(E2E_CATALOG.seed),
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('could not generate the e2e catalog (is the project built?)');
}
