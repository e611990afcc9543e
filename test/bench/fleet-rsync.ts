import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { cpuMs, freePort, sleep, spawnChild, until, type Cleanup } from './fleet-procs.js';

const run = promisify(execFile);

/** An `rsync --daemon` on 127.0.0.1 serving `dir` as module `blobs` (read only). */
export async function startRsyncDaemon(
  dir: string,
  work: string,
  cleanup: Cleanup,
): Promise<{ port: number; pid: number }> {
  const port = await freePort();
  const conf = path.join(work, 'rsyncd.conf');
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  writeFileSync(
    conf,
    [
      `pid file = ${path.join(work, 'rsyncd.pid')}`,
      `log file = ${path.join(work, 'rsyncd.log')}`,
      'use chroot = no',
      // Run as whoever owns the files: as root, rsyncd would otherwise read as "nobody".
      `uid = ${uid}`,
      `gid = ${gid}`,
      '[blobs]',
      `  path = ${dir}`,
      '  read only = yes',
      '',
    ].join('\n'),
  );
  const daemon = spawnChild('rsync', [
    '--daemon',
    '--no-detach',
    `--config=${conf}`,
    '--address=127.0.0.1',
    `--port=${port}`,
  ]);
  cleanup.push(() => daemon.stop());
  await until(
    () =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      }),
    'rsyncd to listen',
    { timeoutMs: 10_000, everyMs: 50 },
  );
  return { port, pid: daemon.child.pid! };
}

export interface RsyncRound {
  ms: number;
  wireBytes: number;
  /** CPU of the client (with the receiver it forks) and of the daemon's worker, in ms. */
  cpu: { client: number; daemon: number };
}

/**
 * `rsync -a` (plus `extra` options) of exactly `files` (relative paths) from the daemon
 * (`port`, `pid`) into a fresh folder: the wall time, the bytes rsync says crossed the wire
 * (both ways), and the CPU both ends spent. The folder is removed afterwards.
 */
export async function rsyncOnce(
  daemon: { port: number; pid: number },
  files: string[],
  work: string,
  extra: string[] = [],
): Promise<RsyncRound> {
  const url = `rsync://127.0.0.1:${daemon.port}/blobs/`;
  const list = path.join(work, 'rsync-files.txt');
  writeFileSync(list, files.join('\n') + '\n');
  const dest = path.join(work, 'rsync-dest');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest);
  // The client is a child of this process, counted once it is waited for; the daemon forks a
  // worker per connection and counts it once that has exited.
  const client0 = cpuMs(process.pid, { children: true }) - cpuMs(process.pid);
  const daemon0 = cpuMs(daemon.pid, { children: true });
  const t = performance.now();
  const { stdout } = await run('rsync', [
    '-a',
    ...extra,
    '--stats',
    `--files-from=${list}`,
    url,
    dest,
  ]);
  const ms = performance.now() - t;
  const client = cpuMs(process.pid, { children: true }) - cpuMs(process.pid) - client0;
  // The daemon reaps its worker when the worker's exit signal reaches it.
  await sleep(100);
  const cpu = { client, daemon: cpuMs(daemon.pid, { children: true }) - daemon0 };
  rmSync(dest, { recursive: true, force: true });
  const count = (what: string) =>
    Number(
      new RegExp(`Total bytes ${what}: ([\\d,]+)`).exec(stdout)?.[1]?.replace(/,/g, '') ?? NaN,
    );
  return { ms, wireBytes: count('sent') + count('received'), cpu };
}
