import { readFile } from 'node:fs/promises';
import { kioskConfig, shellConfig, type ShellConfig } from '@jukebox/protocol';

/**
 * The shell's own settings are the `shell` section of the box's config file; the whole file is
 * validated here too (schema `kioskConfig` in the protocol), so the shell refuses a config the
 * core would refuse, with the same message, before it starts anything.
 */
const configFile = kioskConfig;

export interface ShellSettings {
  /** The box's config file, passed on to the core; null = the core's embedded defaults. */
  configPath: string | null;
  shell: ShellConfig;
}

export { shellConfig, type ShellConfig };

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Finds `--config FILE` or `--config=FILE` among Electron's argv (which also holds
 * Chromium switches), else the JUKEBOX_CONFIG environment variable. */
export function configPathFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config') return argv[i + 1] ?? null;
    if (arg?.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return env.JUKEBOX_CONFIG || null;
}

/** Reads the shell's settings. A missing, unreadable or invalid file is an error naming the
 * bad field, never a silent fallback: a box with a broken config must say so. */
export async function loadShellSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Loaded<ShellSettings>> {
  const configPath = configPathFrom(argv, env);
  if (configPath === null) return { ok: true, value: { configPath, shell: shellConfig.parse({}) } };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (err) {
    return { ok: false, error: `cannot read ${configPath}: ${(err as Error).message}` };
  }
  const parsed = configFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `${configPath}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, value: { configPath, shell: parsed.data.shell } };
}

/** The core's command line: any free port (the READY line says which), and the config file,
 * or a data folder in the app's own user-data directory when there is none. */
export function coreArgs(configPath: string | null, defaultDataDir: string): string[] {
  const args = ['--port', '0'];
  if (configPath !== null) args.push('--config', configPath);
  else args.push('--data-dir', defaultDataDir);
  return args;
}
