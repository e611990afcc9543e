import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './common.js';
import { Cleanup, fmtBytes, MiB, sleep, until } from './fleet-procs.js';
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
import { rsyncOnce, startRsyncDaemon } from './fleet-rsync.js';
import { fmtMs, report } from './stats.js';

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

/**
 * Assigns the set to the box and waits for its status to show the manifest installed. A
 * status call costs the box a millisecond or two of CPU, which rsync is not charged, so the
 * status is read every 200 ms while most bytes are still to come and every 10 ms after that:
 * little load on the box, and the end seen within 10 ms.
 */
async function syncOnce(staff: Staff, setId: number, box: LinkedBox): Promise<number> {
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
  return performance.now() - t0;
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
  const process = await startBox(rig, staff, name, server, cleanup);
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
    const rounds = { plain: [] as number[], fsync: [] as number[] };
    let rsyncWire = 0;
    const rsyncRound = async () => {
      const plain = await rsyncOnce(rsyncd.port, files, tmp.dir);
      rounds.plain.push(plain.ms);
      rsyncWire = plain.wireBytes;
      rounds.fsync.push((await rsyncOnce(rsyncd.port, files, tmp.dir, ['--fsync'])).ms);
    };

    // The counted sync goes first: it also warms the server up (its first manifest job and
    // blob answers run cold code), as a server that has been running a while would be; rsync
    // starts a fresh process for every connection and has nothing to warm up.
    const before = proxy.total;
    const t0 = performance.now();
    const countedMs = await syncOnce(staff, setId, countedBox);
    const wire = proxy.total - before;
    checkBoxBlobs(countedBox.process.dataDir, catalog);
    const firstRequest = Math.min(...proxy.transfers.map((t) => t.requestedAt)) - t0;
    const lastBody = Math.max(...proxy.transfers.map((t) => t.doneAt ?? NaN)) - t0;

    // rsync and ours take turns, as many rounds each: a change in the machine's load shows
    // in both spreads.
    const timed: number[] = [];
    for (const box of timedBoxes) {
      await rsyncRound();
      timed.push(await syncOnce(staff, setId, box));
      checkBoxBlobs(box.process.dataDir, catalog);
    }

    // Best of each: on a shared machine the fastest run is the one least disturbed.
    const best = (xs: number[]) => Math.min(...xs);
    const syncMs = best(timed);
    const mbps = (bytes: number, ms: number) => `${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s`;
    report(
      `Fleet content sync, ${TRACKS} tracks, ${fmtBytes(payload)} (real server and box processes, loopback)`,
      [
        {
          metric: 'assignment -> manifest installed',
          ours: `${fmtMs(syncMs)} (${mbps(payload, syncMs)})`,
          reference: `${fmtMs(best(rounds.plain))} rsync -a from rsyncd`,
          ratio: syncMs / best(rounds.plain),
          target: '< 1x (faster than rsync)',
        },
        {
          metric: '  the same, rsync with --fsync',
          ours: fmtMs(syncMs),
          reference: `${fmtMs(best(rounds.fsync))} rsync -a --fsync`,
          ratio: syncMs / best(rounds.fsync),
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
        `best of ${timed.length} for ours (${timed.map(fmtMs).join(', ')}, a fresh box each) and ` +
          `of ${rounds.plain.length} for rsync, taking turns with ours: -a ` +
          `${rounds.plain.map(fmtMs).join(', ')}; --fsync ${rounds.fsync.map(fmtMs).join(', ')}; ` +
          `its own count of wire bytes ${fmtBytes(rsyncWire)} (${(rsyncWire / payload).toFixed(4)}x)`,
        `the counted box (through the proxy, first, warming the server up) took ` +
          `${fmtMs(countedMs)}: assignment -> first blob request ${fmtMs(firstRequest)} (manifest ` +
          `job: keys unsealed, wrapped, signed; notice; manifest fetched, verified), blobs ` +
          `${fmtMs(lastBody - firstRequest)} (SHA-256, fdatasync per blob), last blob -> ` +
          `installed ${fmtMs(countedMs - lastBody)}`,
        `seeding ${TRACKS} tracks through the server's services took ${fmtMs(seedMs)} (not measured)`,
      ],
    );
  } finally {
    await cleanup.close();
  }
}
