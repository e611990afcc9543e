// Sources and reference decodes for the CD image tests, made with real ffmpeg.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { runFfmpeg } from '../../runner.js';
import { wavHeader } from '../wav.js';

export interface SourceSpec {
  seconds: number;
  rate: 44_100 | 48_000 | 22_050;
  channels: 1 | 2;
  /** The container follows from the file name (.mp3, .flac, .wav). */
  signal: 'sine' | 'noise';
  seed?: number;
}

/** An audio file of the given length, rate and layout: a tone, or pink noise. */
export async function makeSource(file: string, spec: SourceSpec): Promise<void> {
  const lavfi =
    spec.signal === 'sine'
      ? `sine=f=${330 + (spec.seed ?? 0) * 55}:sample_rate=${spec.rate}:d=${spec.seconds}`
      : `anoisesrc=r=${spec.rate}:a=0.2:c=pink:seed=${spec.seed ?? 1}:d=${spec.seconds}`;
  const codec = file.endsWith('.mp3') ? ['-c:a', 'libmp3lame', '-b:a', '192k'] : [];
  await runFfmpeg(['-f', 'lavfi', '-i', lavfi, '-ac', String(spec.channels), ...codec, '-y', file]);
}

/** Silence as FLAC: decodes far faster than real time, so a long disc is cheap to test. */
export async function makeSilentFlac(file: string, seconds: number): Promise<void> {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `anullsrc=r=44100:cl=stereo`,
    '-t',
    String(seconds),
    '-c:a',
    'flac',
    '-y',
    file,
  ]);
}

/** A WAV of `frames` of silence, written directly (for TOC tests that need no ffmpeg). */
export async function writeSilentWav(file: string, frames: number): Promise<void> {
  const data = Buffer.alloc(frames * 4);
  await writeFile(file, Buffer.concat([wavHeader(data.length), data]));
}

/**
 * The plain reference decode the brief names, `ffmpeg -i SRC -f s16le -ar 44100 -ac 2 -`,
 * run as a separate process (not through our runner): its PCM's SHA-256 and frame count.
 */
export function plainDecode(source: string): { sha256: string; frames: number } {
  const r = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', source, '-f', 's16le', '-ar', '44100', '-ac', '2', '-'],
    { maxBuffer: 1 << 30 },
  );
  if (r.status !== 0) throw new Error(`reference decode of ${source} failed: ${String(r.stderr)}`);
  return {
    sha256: createHash('sha256').update(r.stdout).digest('hex'),
    frames: r.stdout.length / 4,
  };
}

/** Runs a command to the end; its output as Latin-1 (CD-TEXT bytes), and its exit status. */
export function run(
  cmd: string,
  args: string[],
  cwd?: string,
): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(cmd, args, cwd === undefined ? {} : { cwd });
  return {
    stdout: r.stdout.toString('latin1'),
    stderr: r.stderr.toString('latin1'),
    status: r.status ?? -1,
  };
}
