import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WebSocket } from 'ws';
import { parseConfig, startCore, type CoreHandle } from '@jukebox/kiosk-core';
import type { KioskConfigInput, KioskEvent, QueueEntry, WsServerMessage } from '@jukebox/protocol';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A temp folder removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `jukebox-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A tagged sine-tone MP3 made by real ffmpeg (330 Hz unless told; ID3v2.3 tags). */
export function tone(
  file: string,
  seconds: number,
  tags: Record<string, string> = {},
  frequency = 330,
): void {
  const args = [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${frequency}:duration=${seconds}`,
  ];
  args.push('-ac', '2', '-ar', '44100', '-map_metadata', '-1');
  for (const [k, v] of Object.entries(tags)) args.push('-metadata', `${k}=${v}`);
  args.push('-id3v2_version', '3', '-c:a', 'libmp3lame', '-b:a', '96k', file);
  execFileSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * An ffmpeg stand-in: a shell script that runs the real ffmpeg, except for invocations whose
 * arguments match `pattern` (a shell `case` pattern), which run `action` instead.
 */
export function ffmpegStandIn(dir: string, name: string, pattern: string, action: string): string {
  const file = path.join(dir, `ffmpeg-${name}.sh`);
  writeFileSync(
    file,
    `#!/bin/sh\ncase "$*" in\n  ${pattern}) ${action} ;;\n  *) exec ffmpeg "$@" ;;\nesac\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

/**
 * A decoder (output on pipe:1) of any file whose name contains "crash" dies mid-track: it
 * writes the first 100,000 bytes of PCM (about 0.57 s) and exits as if killed by SIGKILL.
 */
export function crashingFfmpeg(dir: string): string {
  return ffmpegStandIn(dir, 'crashing', '*crash*pipe:1*', 'ffmpeg "$@" | head -c 100000; exit 137');
}

/** Starts a real core in this process, with its log lines captured. */
export async function startTestCore(
  config: KioskConfigInput,
  baseDir: string,
): Promise<{ core: CoreHandle; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  const core = await startCore(parseConfig({ http: { port: 0 }, ...config }, baseDir), { log });
  return { core, logs };
}

/** A kiosk API client over the core's WebSocket, as the browser shell uses it. */
export async function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/ws`, { headers });
  const events: KioskEvent[] = [];
  const pending = new Map<number, (r: unknown) => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as WsServerMessage;
    if (msg.type === 'event') events.push(msg.event);
    else pending.get(msg.id)?.(msg.result);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    events,
    closed,
    call(method: string, params: unknown = {}): Promise<unknown> {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
      return new Promise((resolve) => pending.set(id, resolve));
    },
    close: () => ws.close(),
  };
}

/** Polls `fn` until it returns a truthy value (bounded), for asynchronous outcomes. */
export async function until<T>(
  fn: () => T | Promise<T>,
  what: string,
  tries = 300,
): Promise<Exclude<NonNullable<T>, false | 0 | ''>> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v as Exclude<NonNullable<T>, false | 0 | ''>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Buys a song through the same path as the kiosk API (these boxes are free play). */
export function mustPick(jukebox: CoreHandle['jukebox'], trackId: number): QueueEntry {
  const r = jukebox.pick(trackId);
  if (!r.ok) throw new Error(`pick ${trackId} refused: ${r.error.code} ${r.error.message}`);
  return r.value;
}
