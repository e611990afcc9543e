import { writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FfmpegError, lastErrorLine } from './errors.js';
import { runFfmpeg, runFfprobe, spawnFfmpeg } from './runner.js';
import type { FfmpegProgress } from './types.js';
import { isAlive, useTempDir } from './test-support/tmp.js';

const tmp = useTempDir();

/** An endless real-time tone: a child that only stops when told to. */
const endlessToneToPcm = ['-re', '-f', 'lavfi', '-i', 'sine=f=440', '-f', 's16le', 'pipe:1'];

async function rejection(p: Promise<unknown>): Promise<FfmpegError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FfmpegError);
    return err as FfmpegError;
  }
  throw new Error('expected a rejection');
}

describe('runFfmpeg', () => {
  it('runs a real ffmpeg and returns its stdout', async () => {
    const { stdout } = await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=f=440:d=1',
      '-ac',
      '2',
      '-f',
      's16le',
      'pipe:1',
    ]);
    expect(stdout.length).toBe(44_100 * 4);
  });

  it('feeds `input` to stdin', async () => {
    const pcm = Buffer.alloc(4 * 1000, 1);
    const { stdout } = await runFfmpeg(
      ['-f', 's16le', '-ar', '44100', '-ac', '2', '-i', 'pipe:0', '-f', 's16le', 'pipe:1'],
      { input: pcm },
    );
    expect(stdout.equals(pcm)).toBe(true);
  });

  it('reports progress and keeps the log text', async () => {
    const seen: FfmpegProgress[] = [];
    const { stderr } = await runFfmpeg(['-f', 'lavfi', '-i', 'sine=d=5', '-f', 'null', '-'], {
      durationMs: 5_000,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last.outTimeMs).toBe(5_000);
    expect(last.fraction).toBe(1);
    expect(last.speed).toBeGreaterThan(0);
    expect(stderr).toContain('Stream mapping');
    expect(stderr).not.toMatch(/out_time_us=/);
  });

  it("names the file and ffmpeg's own error for a bad input", async () => {
    const file = tmp.path('not-audio.txt');
    await writeFile(file, 'this is text, not audio\n');
    const err = await rejection(runFfmpeg(['-i', file, '-f', 'null', '-']));
    expect(err.kind).toBe('failed');
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe(`ffmpeg failed on ${file}: Invalid data found when processing input`);
    expect(err.stderrTail).toContain('Invalid data found');
    expect(err.args).toContain('-hide_banner');
  });

  it('explains a missing executable', async () => {
    const err = await rejection(
      runFfmpeg(['-version'], { tools: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: 'ffprobe' } }),
    );
    expect(err.kind).toBe('not_found');
    expect(err.message).toBe(
      "ffmpeg not found at '/nonexistent/ffmpeg': install it (apt-get install ffmpeg) or set tools.ffmpeg",
    );
  });

  it('cancels on abort and reaps the child', async () => {
    const ac = new AbortController();
    const run = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'sine', '-f', 'null', '-'], {
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    // The only live child of ours is the one just started.
    const pid = await findChildPid('ffmpeg');
    const err = await rejection(run);
    expect(err.kind).toBe('cancelled');
    expect(isAlive(pid)).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const err = await rejection(runFfmpeg(['-version'], { signal: AbortSignal.abort() }));
    expect(err.kind).toBe('cancelled');
  });
});

describe('runFfprobe', () => {
  it('runs ffprobe', async () => {
    const { stdout } = await runFfprobe(['-of', 'json', '-show_versions']);
    expect(JSON.parse(stdout.toString())).toHaveProperty('program_version');
  });
});

describe('spawnFfmpeg', () => {
  it('keeps output that is read only after ffmpeg has exited (a prefetched decoder)', async () => {
    // 0.5 s of stereo s16 fits in the pipe and stream buffers: ffmpeg writes it all and exits
    // before anyone reads. Node would discard an unread child stdout at that point.
    const proc = spawnFfmpeg([
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5:sample_rate=44100'],
      ...['-ac', '2', '-f', 's16le', 'pipe:1'],
    ]);
    for (let i = 0; i < 200 && isAlive(proc.pid!); i++) await new Promise((r) => setTimeout(r, 10));
    expect(isAlive(proc.pid!)).toBe(false);
    let bytes = 0;
    for await (const chunk of proc.stdout) bytes += (chunk as Buffer).length;
    await proc.done;
    expect(bytes).toBe(22_050 * 4);
  });

  it('lets a reader that gives up release the child', async () => {
    const proc = spawnFfmpeg([
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=60:sample_rate=44100'],
      ...['-ac', '2', '-f', 's16le', 'pipe:1'],
    ]);
    for await (const _chunk of proc.stdout) break; // reads one chunk, then destroys the stream
    await proc.kill();
    expect(isAlive(proc.pid!)).toBe(false);
  });

  it('streams stdout and resolves done on a clean exit', async () => {
    const p = spawnFfmpeg(['-f', 'lavfi', '-i', 'sine=d=0.5', '-ac', '2', '-f', 's16le', 'pipe:1']);
    let bytes = 0;
    for await (const chunk of p.stdout) bytes += (chunk as Buffer).length;
    await p.done;
    expect(bytes).toBe(22_050 * 4);
  });

  it('kill() ends the child (cancelled) and it is gone afterwards', async () => {
    const p = spawnFfmpeg(endlessToneToPcm);
    await firstData(p.stdout);
    await p.kill();
    const err = await rejection(p.done);
    expect(err.kind).toBe('cancelled');
    expect(isAlive(p.pid!)).toBe(false);
  });

  it('reports a child killed by a signal mid-stream', async () => {
    const p = spawnFfmpeg(endlessToneToPcm);
    await firstData(p.stdout);
    process.kill(p.pid!, 'SIGKILL');
    p.stdout.resume();
    const err = await rejection(p.done);
    expect(err.kind).toBe('killed');
    expect(err.signal).toBe('SIGKILL');
    expect(err.message).toBe('ffmpeg killed by SIGKILL on sine=f=440');
  });

  it('kills its children when the Node process exits', async () => {
    const script = fileURLToPath(new URL('./test-support/exit-with-child.ts', import.meta.url));
    const node = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    node.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    await new Promise((resolve) => node.once('close', resolve));
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    await until(() => !isAlive(pid));
    expect(isAlive(pid)).toBe(false);
  });
});

describe('lastErrorLine', () => {
  it('skips the exit chatter and strips the input prefix and context pointers', () => {
    const stderr = [
      '[mp3 @ 0x55e2afca2880] Failed to read frame size: Could not seek to 1026.',
      '/x/a.mp3: Invalid argument',
      'Conversion failed!',
      '',
    ].join('\n');
    expect(lastErrorLine(stderr, '/x/a.mp3')).toBe('Invalid argument');
    expect(lastErrorLine(stderr.split('\n')[0]!)).toBe(
      '[mp3] Failed to read frame size: Could not seek to 1026.',
    );
  });
});

function firstData(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => stream.once('data', () => resolve()));
}

/** Polls a condition for a bounded number of tries; a liveness check, not a timing assertion. */
async function until(cond: () => boolean, tries = 100): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
}

async function findChildPid(name: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const { stdout } = await runPs();
    const line = stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find(([ppid, , comm]) => Number(ppid) === process.pid && comm === name);
    if (line) return Number(line[1]);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${name} child found`);
}

function runPs(): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const ps = spawn('ps', ['-o', 'ppid=,pid=,comm=', '--ppid', String(process.pid)]);
    let stdout = '';
    ps.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    ps.once('error', reject);
    ps.once('close', () => resolve({ stdout }));
  });
}
