import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the generator made last time, kept in `<out>/.jukebox-catalog.json`: for each file,
 * the hash of the inputs it was made from (`spec`) and the SHA-256 of its bytes. A re-run
 * skips a file whose spec is unchanged and whose bytes still hash to the recorded value.
 * No timestamps, so the manifest itself is as reproducible as the files.
 */
export interface Manifest {
  version: 1;
  files: Record<string, { spec: string; sha256: string; size: number }>;
}

export const MANIFEST_NAME = '.jukebox-catalog.json';

export async function readManifest(outDir: string): Promise<Manifest> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(outDir, MANIFEST_NAME), 'utf8'));
    if (isManifest(parsed)) return parsed;
  } catch {
    // Missing or unreadable: everything is regenerated, which is always correct.
  }
  return { version: 1, files: {} };
}

export async function writeManifest(outDir: string, manifest: Manifest): Promise<void> {
  const sorted = Object.fromEntries(
    Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const file = join(outDir, MANIFEST_NAME);
  await writeFile(`${file}.partial`, `${JSON.stringify({ version: 1, files: sorted }, null, 1)}\n`);
  await rename(`${file}.partial`, file);
}

/** True when the file exists, was made from `spec`, and its bytes are unchanged. */
export async function isUpToDate(
  manifest: Manifest,
  outDir: string,
  relPath: string,
  spec: string,
): Promise<boolean> {
  const entry = manifest.files[relPath];
  if (!entry || entry.spec !== spec) return false;
  try {
    return (await sha256File(join(outDir, relPath))) === entry.sha256;
  } catch {
    return false;
  }
}

export function specHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function isManifest(value: unknown): value is Manifest {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { version?: unknown }).version === 1 &&
    typeof (value as { files?: unknown }).files === 'object'
  );
}
