import { readFileSync } from 'node:fs';
import path from 'node:path';
import { kioskConfig, type KioskConfig } from '@jukebox/protocol';
import type { z } from 'zod';

/** A configuration problem, worded for the operator who has to fix the file. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => `  - ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('\n');
}

/**
 * Parses a configuration object (already read from JSON) and resolves relative paths against
 * `baseDir`, so a config file means the same thing whatever the working directory is.
 */
export function parseConfig(raw: unknown, baseDir: string, source = 'configuration'): KioskConfig {
  const parsed = kioskConfig.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(`${source} is not valid:\n${describeIssues(parsed.error.issues)}`);
  }
  const c = parsed.data;
  const abs = (p: string) => path.resolve(baseDir, p);
  c.dataDir = abs(c.dataDir);
  c.library.importDirs = c.library.importDirs.map(abs);
  if (c.ui.dir) c.ui.dir = abs(c.ui.dir);
  if (c.audio.sink.kind === 'wav') c.audio.sink.path = abs(c.audio.sink.path);
  // A command with a slash is a path; a bare name is looked up on PATH.
  const command = (p: string) => (p.includes('/') ? abs(p) : p);
  for (const b of c.retail.burners) {
    if (b.driver === 'image' && b.dir !== undefined) b.dir = abs(b.dir);
    if (b.driver === 'cdrdao') b.executable = command(b.executable);
  }
  if (c.retail.print.dir !== undefined) c.retail.print.dir = abs(c.retail.print.dir);
  c.retail.print.lp = command(c.retail.print.lp);
  return c;
}

/** Reads and validates a JSON configuration file; no file means the embedded defaults. */
export function loadConfig(file: string | undefined, cwd = process.cwd()): KioskConfig {
  if (!file) return parseConfig({}, cwd, 'default configuration');
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `configuration file not found: ${full}`
        : `cannot read configuration file ${full}: ${(err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `configuration file ${full} is not valid JSON: ${(err as Error).message}`,
    );
  }
  return parseConfig(raw, path.dirname(full), `configuration file ${full}`);
}
