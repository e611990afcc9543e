import { afterAll, beforeAll } from 'vitest';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@jukebox/media';
import type { PlayerLog, PlayItem } from '../types.js';

/** A per-test-file temp dir; call `cleanup()` in afterAll. */
export async function makeTempDir(): Promise<{
  path: (name: string) => string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'jukebox-player-'));
  return {
    path: (name) => join(dir, name),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * 16-bit FLAC. Left to itself ffmpeg stores a synthetic tone as 24-bit, whose plain decode
 * to s16 truncates while a filtered decode rounds, so the two would differ by one LSB.
 */
export const FLAC16 = ['-c:a', 'flac', '-sample_fmt', 's16'];
export const MP3 = ['-c:a', 'libmp3lame', '-b:a', '192k'];

/**
 * Writes a sine tone with real ffmpeg. `codec` picks the container/encoder by args, e.g.
 * `['-c:a', 'libmp3lame', '-b:a', '192k']` for an MP3 or `['-c:a', 'flac']`.
 */
export async function makeTone(
  file: string,
  opts: { freq: number; seconds: number; amplitude?: number; codec?: string[] },
): Promise<string> {
  const amp = opts.amplitude ?? 0.25;
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=${amp}*sin(2*PI*${opts.freq}*t):s=44100:d=${opts.seconds}`,
    '-ac',
    '2',
    ...(opts.codec ?? []),
    '-y',
    file,
  ]);
  return file;
}

/** Pink noise, a rough stand-in for music when loudness matters. */
export async function makeNoise(
  file: string,
  opts: { amplitude: number; seconds: number; codec?: string[] },
): Promise<string> {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=pink:amplitude=${opts.amplitude}:seed=7:d=${opts.seconds}:r=44100`,
    '-ac',
    '2',
    ...(opts.codec ?? []),
    '-y',
    file,
  ]);
  return file;
}

/** The PCM in a WAV file's data chunk (the chunks are walked, not assumed at offset 44). */
export function wavData(wav: Buffer): Buffer {
  if (wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let at = 12;
  while (at + 8 <= wav.length) {
    const id = wav.toString('latin1', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'data') return wav.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** The plain decode of a file as s16le 44.1 kHz stereo, the reference a player must match. */
export async function plainDecode(file: string): Promise<Buffer> {
  const { stdout } = await runFfmpeg([
    '-i',
    file,
    '-f',
    's16le',
    '-ar',
    '44100',
    '-ac',
    '2',
    'pipe:1',
  ]);
  return stdout;
}

/**
 * A stand-in ffmpeg: for inputs whose path contains "crash" it writes `bytes` of the real
 * decode and exits 1 (a decoder dying mid-track); anything else goes to the real ffmpeg.
 */
export async function makeCrashingFfmpeg(file: string, bytes: number): Promise<string> {
  await writeFile(
    file,
    [
      '#!/bin/sh',
      'case "$*" in',
      `  *crash*) /usr/bin/ffmpeg "$@" | head -c ${bytes}; exit 1 ;;`,
      '  *) exec /usr/bin/ffmpeg "$@" ;;',
      'esac',
      '',
    ].join('\n'),
  );
  await chmod(file, 0o755);
  return file;
}

let nextEntry = 1;
/** A PlayItem for a file, with a fresh entry id. */
export function itemFor(path: string, durationMs: number, gainDb: number | null = null): PlayItem {
  const entryId = nextEntry++;
  return { entryId, trackId: entryId, path, gainDb, durationMs };
}

/** A queue the test fills; `take` is the player's nextItem. */
export function queueOf(items: PlayItem[]): { take: () => PlayItem | null; items: PlayItem[] } {
  return { items, take: () => items.shift() ?? null };
}

/** A logger that keeps records for assertions. */
export function memoryLog(): PlayerLog & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0) until it is reaped.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The tones both player suites play, made once per test file and removed after it. */
export interface Tones {
  tmp: Awaited<ReturnType<typeof makeTempDir>>;
  toneA: string;
  toneB: string;
  longTone: string;
  pcmA: Buffer;
  pcmB: Buffer;
}

/**
 * Registers beforeAll/afterAll hooks that make two short 16-bit FLAC tones of odd lengths
 * (1.2345 s at 440 Hz, 2.0101 s at 660 Hz), a 30 s one, and the plain decodes of the short
 * ones. Read the fields inside tests, once the hooks have run.
 */
export function useTones(): Tones {
  const t = {} as Tones;
  beforeAll(async () => {
    t.tmp = await makeTempDir();
    [t.toneA, t.toneB, t.longTone] = await Promise.all([
      makeTone(t.tmp.path('a.flac'), { freq: 440, seconds: 1.2345, codec: FLAC16 }),
      makeTone(t.tmp.path('b.flac'), { freq: 660, seconds: 2.0101, codec: FLAC16 }),
      makeTone(t.tmp.path('long.flac'), { freq: 330, seconds: 30, codec: FLAC16 }),
    ]);
    [t.pcmA, t.pcmB] = await Promise.all([plainDecode(t.toneA), plainDecode(t.toneB)]);
  });
  afterAll(() => t.tmp.cleanup());
  return t;
}
