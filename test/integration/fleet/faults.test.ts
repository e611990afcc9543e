import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { generateCatalog } from '@jukebox/demo-catalog';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../crash-support.js';
import { connect, tempDir, tone, until } from '../support.js';
import { FaultProxy } from './fault-proxy.js';
import {
  badBlobs,
  createAdmin,
  importCatalog,
  staffClient,
  enrolledBox,
  startFleetServer,
  type FleetServer,
} from './harness.js';

// Faults between a box and the fleet server: a TCP proxy cuts connections at random byte
// offsets (mid-handshake, mid-frame, mid-batch, mid-download) and flips bits in downloaded
// blobs, and the server process is killed (SIGKILL) or stopped and restarted, at least 300
// faults in all, while the box keeps playing songs and syncs new content. Afterwards, with the
// line clean again: the server's play counts per track equal the box's, the server holds
// exactly the records the box wrote (nothing lost, nothing doubled), and every blob the box
// admitted is exactly what its name (its SHA-256) says, with the whole manifest installed.

const FAULTS = Number(process.env.FLEET_FAULTS ?? 300);
const SEED = Number(process.env.FLEET_FAULTS_SEED ?? Date.now() % 1_000_000);
const tmp = tempDir('fleet-faults');
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  tmp.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('box <-> fleet server under faults', () => {
  it(`loses and doubles nothing across ${FAULTS} faults`, { timeout: 900_000 }, async () => {
    console.log(`fleet-faults seed ${SEED} (replay: FLEET_FAULTS_SEED=${SEED})`);
    const random = seededRandom(SEED);
    const port = await freePort();
    let server: FleetServer = await startFleetServer({ dir: tmp.dir, port });
    closers.push(() => server.stop());
    await createAdmin(server.configFile);
    const staff = await staffClient(server.url);

    const proxy = new FaultProxy({
      target: { host: '127.0.0.1', port },
      random,
      // Every connection is cut somewhere: a link that happened to survive would end the faults.
      cutChance: 1,
      maxCutOffset: 8000,
      // Downloads are long: cut them later, so that resumes make progress; flip a bit in a
      // third of them.
      maxBlobCutOffset: 400_000,
      flipChance: 0.35,
      flipFirst: 2,
    });
    const proxyPort = await proxy.start();
    closers.push(() => proxy.stop());
    proxy.setEnabled(false);

    const music = path.join(tmp.dir, 'music');
    mkdirSync(music);
    for (const [i, t] of ['Uno', 'Dos', 'Tres'].entries()) {
      tone(path.join(music, `${t}.mp3`), 1 + i, { title: t, artist: 'Fault Line' });
    }
    // Enrolled through the proxy (still a clean pipe at this point).
    const { box, boxId } = await enrolledBox(
      { tmp, staff, closers },
      { name: 'faulty', server: `http://127.0.0.1:${proxyPort}`, importDirs: [music], tracks: 3 },
    );

    // New content for the box, synced while the faults run: five real tracks with covers.
    const masters = path.join(tmp.dir, 'masters');
    await generateCatalog({
      out: masters,
      tracks: 5,
      seed: 5,
      minSeconds: 8,
      maxSeconds: 12,
      speak: false,
    });
    const imported = await importCatalog(server.url, masters);
    expect(imported.code, imported.err).toBe(0);
    const catalog = await staff.call<{ tracks: { id: string }[] }>(
      'GET',
      '/api/v1/catalog/tracks?limit=100',
    );
    const set = await staff.call<{ id: number }>('POST', '/api/v1/content-sets', {
      name: 'Under fire',
    });
    await staff.call('PUT', `/api/v1/content-sets/${set.id}/items`, {
      trackIds: catalog.tracks.map((t) => t.id),
      graphicIds: [],
    });

    // Patrons keep picking songs for the whole run.
    const ui = await connect(box.url);
    const found = (await ui.call('search', { query: 'Fault Line' })) as {
      value: { tracks: { id: number }[] };
    };
    const ids = found.value.tracks.map((t) => t.id);
    let picking = true;
    let picks = 0;
    const picker = (async () => {
      while (picking) {
        const r = (await ui.call('enqueue', {
          trackId: ids[Math.floor(random() * ids.length)],
        })) as { ok: boolean };
        if (r.ok) picks += 1;
        await sleep(100 + random() * 200);
      }
    })();

    proxy.setEnabled(true);
    await staff.call('PUT', `/api/v1/content-sets/${set.id}/boxes/${boxId}`);
    let restarts = 0;
    const faults = () => proxy.stats.cuts + restarts;
    const deadline = Date.now() + 600_000;
    while (faults() < FAULTS) {
      if (Date.now() > deadline) throw new Error(`only ${faults()} faults in 10 minutes`);
      await sleep(100 + random() * 200);
      // Besides the cut each connection carries, one live connection is cut now and then,
      // wherever its stream is: a quiet session must not outlive the faults.
      if (random() < 0.5) proxy.cutOne();
      // Five times in the run the server goes away: killed, or stopped cleanly, alternately.
      if (restarts < 5 && faults() >= ((restarts + 1) * FAULTS) / 6) {
        await server.stop(restarts % 2 === 0 ? 'SIGKILL' : 'SIGTERM');
        await sleep(random() * 1500);
        server = await startFleetServer({ dir: tmp.dir, port });
        restarts += 1;
      }
    }
    picking = false;
    await picker;
    proxy.setEnabled(false);
    proxy.cutAll();
    console.log(
      `fleet-faults: ${proxy.stats.cuts} cuts in ${proxy.stats.connections} connections, ${restarts} server restarts, ${picks} picks`,
    );

    // Let everything play out and go up over a clean line.
    const last = await until(
      async () => {
        const s = await box.status();
        return (
          s.queue.length === 0 &&
          s.nowPlaying === null &&
          s.fleet?.link === 'open' &&
          s.telemetry.pending === 0 &&
          s.fleet.sync?.phase === 'idle' &&
          s.fleet.sync.manifestVersion >= 1 &&
          s
        );
      },
      'all plays acknowledged',
      1200,
    );
    ui.close();
    const serverView = await (
      await staffClient(server.url)
    ).call<{ ackedSeq: number }>('GET', `/api/v1/boxes/${boxId}/link`);
    expect(serverView.ackedSeq).toBe(last.telemetry.lastSeq);
    const report = await (
      await staffClient(server.url)
    ).call<{
      rows: { title: string; plays: number; completedPlays: number }[];
    }>('GET', `/api/v1/reports/plays?boxId=${boxId}`);
    const server_ = Object.fromEntries(report.rows.map((r) => [r.title, r.completedPlays]));
    const box_ = Object.fromEntries(last.playCounts.map((c) => [c.title, c.count]));
    expect(server_).toEqual(box_);
    // Every play event the box wrote (completed or aborted) is on the server once.
    expect(report.rows.reduce((n, r) => n + r.plays, 0)).toBe(last.lastPlaySeq);
    // No corrupt blob was admitted, and the content is complete.
    expect(last.library.tracks).toBe(3 + 5);
    const blobs = badBlobs(box);
    expect(blobs.count).toBeGreaterThanOrEqual(5);
    expect(blobs.bad).toEqual([]);
    // A wrong blob is refused by its SHA-256: logged as "corrupt blob refused" when fetched
    // again at once, or as the failed sync's reason on its last try.
    const refused = box
      .stderr()
      .split('\n')
      .filter((l) => l.includes('corrupt blob refused') || l.includes('the bytes hash to')).length;
    console.log(
      `fleet-faults: ${proxy.stats.flips} bits flipped in downloads, ${refused} corrupt blobs refused`,
    );
    expect(proxy.stats.flips).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(faults()).toBeGreaterThanOrEqual(FAULTS);
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(last.lastPlaySeq).toBeGreaterThan(20);
  });
});
