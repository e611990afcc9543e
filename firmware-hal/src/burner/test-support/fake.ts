import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fake cdrdao executable (see its header for the scenario format). */
export const FAKE_CDRDAO = join(dirname(fileURLToPath(import.meta.url)), 'fake-cdrdao');

export type FakeFate =
  'ok' | 'fail-mid-write' | 'underrun' | 'no-disc' | 'not-blank' | 'busy' | 'too-small' | 'stuck';

export interface FakeScenario {
  devices: Record<string, FakeFate>;
  writeSeconds?: number;
}

export interface Invocation {
  pid: number;
  cwd: string;
  argv: string[];
}

/**
 * Writes a scenario file into `dir` and points FAKE_CDRDAO_SCENARIO at it (the fake reads it
 * on every run; vitest runs each test file in its own process). Returns the invocation log.
 */
export async function useScenario(
  dir: string,
  scenario: FakeScenario,
): Promise<() => Promise<Invocation[]>> {
  const file = join(dir, 'scenario.json');
  const log = join(dir, `cdrdao-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  await writeFile(
    file,
    JSON.stringify({ ...scenario.devices, writeSeconds: scenario.writeSeconds ?? 0.2, log }),
  );
  process.env.FAKE_CDRDAO_SCENARIO = file;
  return async () => {
    const text = await readFile(log, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Invocation);
  };
}

/** Whether a process still exists (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
