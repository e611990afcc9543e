import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { tempDir } from './common.js';
import { Cleanup, cpuMs, fmtBytes, MiB, sleep, until } from './fleet-procs.js';
import { CountingProxy } from './fleet-proxy.js';
import {
  fleetRig,
  makeSet,
  seedTracks,
  staffClient,
  startBox,
  startServer,
  type BoxProcess,
  type FleetRig,
  type SeededCatalog,
  type Staff,
} from './fleet-rig.js';
import { rsyncOnce, startRsyncDaemon, type RsyncRound } from './fleet-rsync.js';
import { fmtMs, percentile, report } from './stats.js';

const TRACKS = 100;
/** Timed syncs (a fresh box each) and rsync rounds, taken in turns. */
const ROUNDS = 3;
/** About 4 MB each, 400 MB in all: a bar box's weekly refresh, roughly. */
const TRACK_BYTES = 4_000_000;

/** The box's content folder holds every seeded blob at its full size. */
function checkBoxBlobs(dataDir: string, catalog: SeededCatalog): void {
  const dir = path.join(dataDir, 'content', 'blobs');
  const names = new Set(readdirSync(dir));
  for (const t of catalog.tracks) {
    if (!names.has(t.sha256) || statSync(path.join(dir, t.sha256)).size !== t.size) {
      throw new Error(`the box lacks blob ${t.sha256} after its sync`);
    }
  }
}

/** What each step the box logs stands for, in order. */
const STEPS: [string, string][] = [
  ['started', 'sync started (server: manifest job, keys wrapped and signed; notice)'],
  ['manifest', 'manifest fetched and verified'],
  ['compared', 'blobs on disk compared'],
  ['firstBytes', 'first blob bytes'],
  ['blobs', 'last blob verified, fdatasynced, renamed'],
  ['dirSynced', 'folder fsynced'],
  ['installed', 'library transaction'],
  ['collected', 'old blobs collected'],
];

/** One timed sync: wall time, CPU of both processes, and the box's own account of its steps. */
interface SyncRun {
  ms: number;
  cpu: { server: number; box: number };
  /** ms from the assignment to the end of each step the box logged ('content sync done'). */
  steps: Record<string, number>;
}

function timeline(run: SyncRun): string {
  const parts = STEPS.filter(([step]) => run.steps[step] !== undefined).map(
    ([step, what]) => `${what} ${run.steps[step]!.toFixed(0)}`,
  );
  return `${parts.join(', ')}, status shows it ${run.ms.toFixed(0)}`;
}

/**
 * Assigns the set to the box and waits for its status to show the manifest installed. A
 * status call costs the box a millisecond or two of CPU, which rsync is not charged, so the
 * status is read every 200 ms while most bytes are still to come and every 10 ms after that:
 * little load on the box, and the end seen within 10 ms. CPU is read from /proc for the
 * server and the box around it (their idle ticks, a few ms, included).
 */
async function syncOnce(
  staff: Staff,
  setId: number,
  box: LinkedBox,
  serverPid: number,
): Promise<SyncRun> {
  const boxPid = box.process.child.pid!;
  const cpu0 = { server: cpuMs(serverPid), box: cpuMs(boxPid) };
  const epoch0 = Date.now();
  const t0 = performance.now();
  await staff('PUT', `/api/v1/content-sets/${setId}/boxes/${box.boxId}`);
  const deadline = t0 + 600_000;
  for (;;) {
    const sync = (await box.process.status()).fleet?.sync;
    if (sync?.phase === 'idle' && sync.manifestVersion >= 1) break;
    if (performance.now() > deadline) throw new Error('timed out waiting for the box to sync');
    const early = sync?.phase === 'downloading' && sync.bytes.done < sync.bytes.total * 0.8;
    await sleep(early ? 200 : 10);
  }
  const ms = performance.now() - t0;
  const cpu = { server: cpuMs(serverPid) - cpu0.server, box: cpuMs(boxPid) - cpu0.box };
  return { ms, cpu, steps: await loggedSteps(box.process, epoch0) };
}

/**
 * The steps of the box's last sync, from its 'content sync done' log line (content-sync.ts:
 * the sync's start as epoch ms and each step's end in ms from it), as ms from `epoch0`.
 */
async function loggedSteps(box: BoxProcess, epoch0: number): Promise<Record<string, number>> {
  const line = await until(
    async () =>
      box
        .stderr()
        .split('\n')
        .findLast((l) => l.includes('"content sync done"')),
    'the box to log its sync',
    { timeoutMs: 5000, everyMs: 20 },
  );
  const logged = JSON.parse(line) as { startedAt: number; ms: Record<string, number> };
  const start = logged.startedAt - epoch0;
  const steps: Record<string, number> = { started: start };
  for (const [step, at] of Object.entries(logged.ms)) steps[step] = start + at;
  return steps;
}

/**
 * The disk's part, with nothing else: the payload's files written and fdatasynced one by one
 * (as rsync --fsync does, and as each blob must be before its rename), then their folder
 * fsynced. A sync that keeps every blob durable cannot end much sooner than the disk takes
 * for this.
 */
function durableWriteMs(dir: string, sizes: number[]): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const bytes = randomBytes(Math.max(...sizes));
  const t = performance.now();
  sizes.forEach((size, i) => {
    const fd = openSync(path.join(dir, `f${i}`), 'w');
    try {
      writeSync(fd, bytes, 0, size);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
  const fd = openSync(dir, 'r');
  fsyncSync(fd);
  closeSync(fd);
  const ms = performance.now() - t;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

interface LinkedBox {
  process: BoxProcess;
  boxId: string;
}

async function linkedBox(
  rig: FleetRig,
  staff: Staff,
  name: string,
  server: string,
  cleanup: Cleanup,
): Promise<LinkedBox> {
  // At info level a box logs one line per sync with its steps' times (and little else).
  const process = await startBox(rig, staff, name, server, cleanup, { logLevel: 'info' });
  const boxId = await until(async () => {
    const s = await process.status();
    return s.fleet?.link === 'open' && s.fleet.boxId;
  }, `box ${name} to enroll and open its channel`);
  return { process, boxId };
}

/**
 * Content sync of 100 synthetic tracks (random bytes as the delivery file, real JBX1, real
 * sealed and wrapped keys) from a real fleet server to a real box core over loopback: wall
 * time from the assignment (staff API) to the box's status showing the manifest installed,
 * against `rsync -a` of the same blob files from an rsync daemon (best of three fresh boxes
 * and of three rsync rounds, taking turns); and, for another box behind a byte-counting proxy,
 * the bytes on the wire against the payload. The proxy is JavaScript in this process and costs
 * a core on a 2-core machine (rsync through it ran 3x slower), so the timed syncs and rsync go
 * direct.
 */
export async function benchFleetSync(): Promise<void> {
  const tmp = tempDir('fleet-sync');
  const cleanup = new Cleanup();
  cleanup.push(tmp.cleanup);
  try {
    const rig = fleetRig(tmp.dir);
    const seedStart = performance.now();
    const catalog = await seedTracks(rig, TRACKS, TRACK_BYTES);
    const seedMs = performance.now() - seedStart;
    const payload = catalog.tracks.reduce((n, t) => n + t.size, 0);

    const server = await startServer(rig, cleanup);
    const staff = await staffClient(rig, server.url);
    const setId = await makeSet(
      staff,
      'Bench sync',
      catalog.tracks.map((t) => t.id),
    );
    const proxy = new CountingProxy({ host: '127.0.0.1', port: server.port });
    const proxyPort = await proxy.start();
    cleanup.push(() => proxy.stop());
    const timedBoxes: LinkedBox[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      timedBoxes.push(await linkedBox(rig, staff, `timed${i}`, server.url, cleanup));
    }
    const countedBox = await linkedBox(
      rig,
      staff,
      'counted',
      `http://127.0.0.1:${proxyPort}`,
      cleanup,
    );

    const rsyncd = await startRsyncDaemon(catalog.blobDir, tmp.dir, cleanup);
    const files = catalog.tracks.map((t) => t.relPath);
    const rounds = { plain: [] as RsyncRound[], fsync: [] as RsyncRound[], disk: [] as number[] };
    const sizes = catalog.tracks.map((t) => t.size);
    const rsyncRound = async () => {
      rounds.plain.push(await rsyncOnce(rsyncd, files, tmp.dir));
      rounds.fsync.push(await rsyncOnce(rsyncd, files, tmp.dir, ['--fsync']));
      rounds.disk.push(durableWriteMs(path.join(tmp.dir, 'disk-alone'), sizes));
    };

    // The counted sync goes first: it also warms the server up (its first manifest job and
    // blob answers run cold code), as a server that has been running a while would be; rsync
    // starts a fresh process for every connection and has nothing to warm up.
    const serverPid = server.child.pid!;
    const before = proxy.total;
    const t0 = performance.now();
    const counted = await syncOnce(staff, setId, countedBox, serverPid);
    const wire = proxy.total - before;
    checkBoxBlobs(countedBox.process.dataDir, catalog);
    const firstRequest = Math.min(...proxy.transfers.map((t) => t.requestedAt)) - t0;
    const lastBody = Math.max(...proxy.transfers.map((t) => t.doneAt ?? NaN)) - t0;

    // rsync and ours take turns, as many rounds each: a change in the machine's load shows
    // in both spreads.
    const timed: SyncRun[] = [];
    for (const box of timedBoxes) {
      await rsyncRound();
      timed.push(await syncOnce(staff, setId, box, serverPid));
      checkBoxBlobs(box.process.dataDir, catalog);
    }

    // Best of each: on a shared machine the fastest run is the one least disturbed. CPU is
    // the median of the rounds, both ends summed.
    const best = (xs: number[]) => Math.min(...xs);
    const syncMs = best(timed.map((t) => t.ms));
    const plainMs = best(rounds.plain.map((r) => r.ms));
    const fsyncMs = best(rounds.fsync.map((r) => r.ms));
    const diskMs = best(rounds.disk);
    const rsyncWire = rounds.plain.at(-1)!.wireBytes;
    const ourCpu = percentile(
      timed.map((t) => t.cpu.server + t.cpu.box),
      50,
    );
    const rsyncCpu = percentile(
      rounds.plain.map((r) => r.cpu.client + r.cpu.daemon),
      50,
    );
    const cpuPairs = (xs: [number, number][]) =>
      xs.map(([a, b]) => `${a.toFixed(0)}+${b.toFixed(0)}`).join(', ');
    const rsyncPairs = (rs: RsyncRound[]) => cpuPairs(rs.map((r) => [r.cpu.client, r.cpu.daemon]));
    const fastest = timed.find((t) => t.ms === syncMs)!;
    const mbps = (bytes: number, ms: number) => `${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s`;
    report(
      `Fleet content sync, ${TRACKS} tracks, ${fmtBytes(payload)} (real server and box processes, loopback)`,
      [
        {
          metric: 'assignment -> manifest installed',
          ours: `${fmtMs(syncMs)} (${mbps(payload, syncMs)})`,
          reference: `${fmtMs(plainMs)} rsync -a from rsyncd`,
          ratio: syncMs / plainMs,
          target: '< 1x (faster than rsync)',
        },
        {
          metric: '  the same, rsync with --fsync',
          ours: fmtMs(syncMs),
          reference: `${fmtMs(fsyncMs)} rsync -a --fsync`,
          ratio: syncMs / fsyncMs,
        },
        {
          metric: '  the same, the disk alone',
          ours: fmtMs(syncMs),
          reference: `${fmtMs(diskMs)} files written, fdatasynced`,
          ratio: syncMs / diskMs,
        },
        {
          metric: 'CPU per sync, both ends',
          ours: `${fmtMs(ourCpu)} server + box`,
          reference: `${fmtMs(rsyncCpu)} rsync -a client + daemon`,
          ratio: ourCpu / rsyncCpu,
        },
        {
          metric: 'bytes on the wire, both ways',
          ours: fmtBytes(wire),
          reference: `${fmtBytes(payload)} payload (sum of blob sizes)`,
          ratio: wire / payload,
          target: '<= 1.01x',
        },
      ],
      [
        `best of ${timed.length} for ours (${timed.map((t) => fmtMs(t.ms)).join(', ')}, a fresh ` +
          `box each) and of ${rounds.plain.length} for rsync, taking turns with ours: -a ` +
          `${rounds.plain.map((r) => fmtMs(r.ms)).join(', ')}; --fsync ` +
          `${rounds.fsync.map((r) => fmtMs(r.ms)).join(', ')}; the disk alone (the payload's ` +
          `files written and fdatasynced one by one, no network) ${rounds.disk.map(fmtMs).join(', ')}; ` +
          `rsync's own count of wire bytes ${fmtBytes(rsyncWire)} (${(rsyncWire / payload).toFixed(4)}x)`,
        `CPU in ms (user + system, all threads, from /proc; 10 ms ticks): ours server+box ` +
          `${cpuPairs(timed.map((t) => [t.cpu.server, t.cpu.box]))}; rsync -a client+daemon ` +
          `${rsyncPairs(rounds.plain)}; --fsync ${rsyncPairs(rounds.fsync)}`,
        `the fastest sync step by step, ms from the assignment (the box's log): ${timeline(fastest)}`,
        `the counted box (through the proxy, first, warming the server up) took ` +
          `${fmtMs(counted.ms)} (CPU server+box ${cpuPairs([[counted.cpu.server, counted.cpu.box]])}): ` +
          `assignment -> first blob request ${fmtMs(firstRequest)}, blobs ` +
          `${fmtMs(lastBody - firstRequest)}, last blob -> installed ${fmtMs(counted.ms - lastBody)}`,
        `seeding ${TRACKS} tracks through the server's services took ${fmtMs(seedMs)} (not measured)`,
      ],
    );
  } finally {
    await cleanup.close();
  }
}
