import { parseArgs } from 'node:util';
import type { GenerateOptions } from './generate.js';
import type { MetadataOptions } from './metadata.js';

export const USAGE = `Usage:
  jukebox-catalog generate --out DIR [--tracks 60] [--seed 1] [--min-seconds 20]
                           [--max-seconds 40] [--speak] [--jobs N]
  jukebox-catalog metadata --out FILE.ndjson [--tracks 100000] [--seed 1]`;

export type Command =
  | { command: 'generate'; options: GenerateOptions }
  | { command: 'metadata'; options: MetadataOptions }
  | { command: 'help' };

export type ParseResult = { ok: true; value: Command } | { ok: false; error: string };

/** Parses the command line strictly: unknown flags, missing values or bad numbers are errors. */
export function parseCommand(argv: readonly string[]): ParseResult {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { ok: true, value: { command: 'help' } };
  }
  try {
    if (command === 'generate') {
      const { values } = parseArgs({
        args: [...rest],
        strict: true,
        allowPositionals: false,
        options: {
          out: { type: 'string' },
          tracks: { type: 'string' },
          seed: { type: 'string' },
          'min-seconds': { type: 'string' },
          'max-seconds': { type: 'string' },
          speak: { type: 'boolean' },
          jobs: { type: 'string' },
        },
      });
      if (!values.out) return { ok: false, error: '--out DIR is required' };
      const min = number(values['min-seconds'], '--min-seconds', 20, 1, 600, false);
      const max = number(values['max-seconds'], '--max-seconds', Math.max(40, min), 1, 600, false);
      if (max < min) return { ok: false, error: '--max-seconds must not be below --min-seconds' };
      const options: GenerateOptions = {
        out: values.out,
        tracks: number(values.tracks, '--tracks', 60, 1, 9999, true),
        seed: number(values.seed, '--seed', 1, 0, 2 ** 31 - 1, true),
        minSeconds: min,
        maxSeconds: max,
        speak: values.speak ?? false,
      };
      if (values.jobs !== undefined) options.jobs = number(values.jobs, '--jobs', 1, 1, 256, true);
      return { ok: true, value: { command, options } };
    }
    if (command === 'metadata') {
      const { values } = parseArgs({
        args: [...rest],
        strict: true,
        allowPositionals: false,
        options: { out: { type: 'string' }, tracks: { type: 'string' }, seed: { type: 'string' } },
      });
      if (!values.out) return { ok: false, error: '--out FILE is required' };
      return {
        ok: true,
        value: {
          command,
          options: {
            out: values.out,
            tracks: number(values.tracks, '--tracks', 100_000, 1, 10_000_000, true),
            seed: number(values.seed, '--seed', 1, 0, 2 ** 31 - 1, true),
          },
        },
      };
    }
    return { ok: false, error: `unknown command "${command}"` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function number(
  raw: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
  integer: boolean,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} must be ${integer ? 'an integer' : 'a number'}, got "${raw}"`);
  }
  if (value < min || value > max) throw new Error(`${flag} must be between ${min} and ${max}`);
  return value;
}
