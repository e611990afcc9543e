import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const silentLog = pino({ level: 'silent' });
export const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `jukebox-bench-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The benchmark catalog: 60 real MP3s (seed 3, 5–10 s each), made once with the demo catalog
 * generator and kept under test/bench/.cache.
 */
export function benchCatalog(): string {
  const out = path.join(root, 'test/bench/.cache/catalog');
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=@jukebox/source',
      '--import',
      'tsx',
      path.join(root, 'packages/demo-catalog/src/cli.ts'),
      'generate',
      '--out',
      out,
      '--tracks',
      '60',
      '--min-seconds',
      '5',
      '--max-seconds',
      '10',
      '--seed',
      '3',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], cwd: path.join(root, 'test/bench') },
  );
  if (r.status !== 0) throw new Error('could not generate the benchmark catalog');
  return out;
}
