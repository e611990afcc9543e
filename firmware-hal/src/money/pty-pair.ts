import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Two linked pseudo-terminals made by socat: bytes written to one are read from the other. */
export interface PtyPair {
  /** Path of the end the host (driver) opens. */
  host: string;
  /** Path of the end the device simulator opens. */
  device: string;
  /** Kills socat (both ends see the line drop, as on a hot-unplug) and removes the links. */
  close(): Promise<void>;
}

/**
 * Starts `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits until both links
 * exist. A pty ignores baud rate and parity; tests of those need real hardware.
 */
export async function openPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jukebox-pty-'));
  const host = path.join(dir, 'host');
  const device = path.join(dir, 'device');
  const socat: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${device}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  socat.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(host) && existsSync(device))) {
    if (socat.exitCode !== null || Date.now() > deadline) {
      socat.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`socat did not make a pty pair: ${stderr.trim() || 'timed out'}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    host,
    device,
    async close() {
      if (socat.exitCode === null) {
        socat.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
