import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { tempDir } from './common.js';
import { ask, waitForReady } from './fleet-ipc.js';
import {
  benchDir,
  Cleanup,
  memoryOf,
  openFilesLimit,
  sleep,
  spawnTs,
  type Spawned,
} from './fleet-procs.js';
import { fleetRig, seedBoxes } from './fleet-rig.js';
import { fmtMs, percentile, report } from './stats.js';

const BOXES = 5_000;
/** Handshakes in flight at once (boxes reconnecting after a server restart come in a rush). */
const CONCURRENCY = 200;
const NOTICE_ROUNDS = 3;
/** A socket per box, plus the database, logs and slack. */
const OPEN_FILES = BOXES + 1_000;
/** Time for the heap and the sockets to settle before memory is read. */
const SETTLE_MS = 2_000;

interface ServerFigures {
  idleKiB: number;
  connectedKiB: number;
  peakKiB: number;
  connectMs: number;
  /** Per round: the server's first send to the last client's receipt, and the send loop. */
  noticeMs: number[];
  loopMs: number[];
  openFiles: string;
}

/** Starts one of the two servers as a child with IPC; resolves with its URL once ready. */
async function startChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  cleanup: Cleanup,
): Promise<{ spawned: Spawned; url: string }> {
  const spawned = spawnTs(path.join(benchDir, script), args, {
    env,
    ipc: true,
    openFiles: OPEN_FILES,
  });
  cleanup.push(() => spawned.stop());
  const { url } = await waitForReady<{ url: string }>(spawned.child);
  return { spawned, url };
}

/**
 * One server under the clients: memory idle, the clients connected, memory with all of them,
 * then notice rounds (each timed from the server's first send to the last client's receipt,
 * wall clocks of the two processes), then the clients hang up.
 */
async function measureServer(
  server: { spawned: Spawned; url: string },
  clients: ChildProcess,
  mode: 'fleet' | 'bare',
): Promise<ServerFigures> {
  const pid = server.spawned.child.pid!;
  await sleep(SETTLE_MS);
  const idleKiB = memoryOf(pid).rssKiB;
  const connected = await ask<{ ms: number; failed: number; firstError: string }>(clients, {
    type: 'connect',
    url: server.url,
    mode,
    concurrency: CONCURRENCY,
  });
  if (connected.failed > 0) {
    throw new Error(`${connected.failed} of ${BOXES} clients failed: ${connected.firstError}`);
  }
  const { open } = await ask<{ open: number }>(server.spawned.child, { type: 'count' });
  if (open !== BOXES) throw new Error(`the server holds ${open} channels, not ${BOXES}`);
  await sleep(SETTLE_MS);
  const memory = memoryOf(pid);

  const noticeMs: number[] = [];
  const loopMs: number[] = [];
  for (let version = 1; version <= NOTICE_ROUNDS; version++) {
    const received = ask<{ lastAt: number }>(clients, { type: 'expect', version });
    const sent = await ask<{ startedAt: number; loopMs: number }>(server.spawned.child, {
      type: 'notify',
      version,
    });
    noticeMs.push((await received).lastAt - sent.startedAt);
    loopMs.push(sent.loopMs);
    await sleep(500);
  }
  await ask(clients, { type: 'close' });
  return {
    idleKiB,
    connectedKiB: memory.rssKiB,
    peakKiB: memoryOf(pid).peakKiB,
    connectMs: connected.ms,
    noticeMs,
    loopMs,
    openFiles: openFilesLimit(pid),
  };
}

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/**
 * 5,000 simulated boxes on one fleet server process over the control channel (real
 * identities, seeded as enrollment leaves them; the real signed hello), the clients in a
 * process of their own: the server's resident memory idle and with all of them connected, the
 * time to connect them, and the time for a manifest notice to reach all of them; against a
 * bare `ws` server holding as many connections.
 */
export async function benchFleetBoxes(): Promise<void> {
  const tmp = tempDir('fleet-boxes');
  const cleanup = new Cleanup();
  cleanup.push(tmp.cleanup);
  try {
    const rig = fleetRig(tmp.dir);
    const clients = spawnTs(path.join(benchDir, 'fleet-boxes-clients.ts'), [], {
      ipc: true,
      openFiles: OPEN_FILES,
    });
    cleanup.push(() => clients.stop());
    await waitForReady(clients.child);
    const keysFile = path.join(tmp.dir, 'box-keys.json');
    await ask(clients.child, { type: 'identities', count: BOXES, file: keysFile });
    await seedBoxes(rig, keysFile);

    const fleet = await startChild('fleet-boxes-server.ts', [rig.configFile], rig.env, cleanup);
    const ours = await measureServer(fleet, clients.child, 'fleet');
    await fleet.spawned.stop();
    const bare = await startChild('fleet-boxes-bare.ts', [], {}, cleanup);
    const reference = await measureServer(bare, clients.child, 'bare');
    await bare.spawned.stop();

    const perBox = (f: ServerFigures) => (f.connectedKiB - f.idleKiB) / BOXES;
    const median = (xs: number[]) => percentile(xs, 50);
    const worst = (xs: number[]) => Math.max(...xs);
    report(
      `${BOXES.toLocaleString('en')} boxes on one fleet server process (control channel, clients in another process)`,
      [
        {
          metric: 'server RSS idle',
          ours: mib(ours.idleKiB),
          reference: `${mib(reference.idleKiB)} bare ws server`,
          ratio: ours.idleKiB / reference.idleKiB,
        },
        {
          metric: `server RSS, ${BOXES.toLocaleString('en')} connected`,
          ours: `${mib(ours.connectedKiB)} (${perBox(ours).toFixed(1)} KiB/box), peak ${mib(ours.peakKiB)}`,
          reference: `${mib(reference.connectedKiB)} (${perBox(reference).toFixed(1)} KiB/box)`,
          ratio: ours.connectedKiB / reference.connectedKiB,
          target: '< 1 GiB',
        },
        {
          metric: 'one notice -> all clients have it',
          ours: `median ${fmtMs(median(ours.noticeMs))}, worst ${fmtMs(worst(ours.noticeMs))}`,
          reference: `median ${fmtMs(median(reference.noticeMs))}`,
          ratio: median(ours.noticeMs) / median(reference.noticeMs),
          target: '< 2 s',
        },
        {
          metric: `connect all ${BOXES.toLocaleString('en')} (${CONCURRENCY} at a time)`,
          ours: fmtMs(ours.connectMs),
          reference: `${fmtMs(reference.connectMs)} (no hello)`,
          ratio: ours.connectMs / reference.connectMs,
        },
      ],
      [
        `ours: hello signed over the server's nonce, verified, recorded; notice rounds ` +
          `${ours.noticeMs.map(fmtMs).join(', ')} (server send loop ${ours.loopMs.map(fmtMs).join(', ')})`,
        `open files limit: server ${ours.openFiles}, clients ${openFilesLimit(clients.child.pid!)} ` +
          `(raised only when the inherited soft limit is below ${OPEN_FILES.toLocaleString('en')})`,
        `times across processes use each process's wall clock (performance.timeOrigin + now)`,
      ],
    );
  } finally {
    await cleanup.close();
  }
}
