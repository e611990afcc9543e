// Sources and reference decodes for the CD image tests, made with real ffmpeg.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
 * Asynchronous, so a source served over HTTP by the test process itself can be read.
 */
export async function plainDecode(source: string): Promise<{ sha256: string; frames: number }> {
  const child = spawn(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-i', source, '-f', 's16le', '-ar', '44100', '-ac', '2', '-'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const hash = createHash('sha256');
  let bytes = 0;
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    hash.update(c);
    bytes += c.length;
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`reference decode of ${source} failed: ${stderr}`);
  return { sha256: hash.digest('hex'), frames: bytes / 4 };
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

/**
 * A WAV of `seconds` of silence that takes no disk space: the header, then a hole. ffmpeg
 * reads it as fast as a pipe carries bytes, so a disc-length source costs nothing to make.
 */
export async function makeSparseWav(file: string, seconds: number): Promise<void> {
  const dataBytes = Math.round(seconds * 44_100) * 4;
  const fh = await open(file, 'w');
  try {
    await fh.write(wavHeader(dataBytes), 0, 44, 0);
    await fh.truncate(44 + dataBytes);
  } finally {
    await fh.close();
  }
}

/**
 * An HTTP server on loopback whose one URL sends a WAV header promising ten minutes and a
 * second of audio, then nothing more, ever: a decode of it ends only when it is killed.
 */
export async function stallingServer(): Promise<{
  url: string;
  /** Resolves once a client has received the first second of audio. */
  started: Promise<void>;
  close: () => Promise<void>;
}> {
  let onStarted = () => undefined as void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const dataBytes = 600 * 44_100 * 4;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': 44 + dataBytes });
    res.write(Buffer.concat([wavHeader(dataBytes), Buffer.alloc(44_100 * 4)]), () => onStarted());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stall.wav`,
    started,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
