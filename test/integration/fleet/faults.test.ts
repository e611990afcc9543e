import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../crash-support.js';
import { connect, tempDir, tone, until } from '../support.js';
import { FaultProxy } from './fault-proxy.js';
import {
  createAdmin,
  staffClient,
  startBox,
  startFleetServer,
  type BoxProcess,
  type FleetServer,
} from './harness.js';

// Faults between a box and the fleet server: a TCP proxy cuts connections at random byte
// offsets (mid-handshake, mid-frame, mid-batch), and the server process is killed (SIGKILL)
// or stopped and restarted, at least 300 faults in all, while the box keeps playing songs.
// Afterwards, with the line clean again: the server's play counts per track equal the box's,
// and the server holds exactly the records the box wrote (nothing lost, nothing doubled).

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
    const { code } = await staff.call<{ code: string }>('POST', '/api/v1/enrollment-codes', {});

    const proxy = new FaultProxy({
      target: { host: '127.0.0.1', port },
      random,
      // Every connection is cut somewhere: a link that happened to survive would end the faults.
      cutChance: 1,
      maxCutOffset: 8000,
    });
    const proxyPort = await proxy.start();
    closers.push(() => proxy.stop());
    proxy.setEnabled(false);

    const music = path.join(tmp.dir, 'music');
    mkdirSync(music);
    for (const [i, t] of ['Uno', 'Dos', 'Tres'].entries()) {
      tone(path.join(music, `${t}.mp3`), 1 + i, { title: t, artist: 'Fault Line' });
    }
    const box: BoxProcess = await startBox({
      dir: tmp.dir,
      name: 'faulty',
      server: `http://127.0.0.1:${proxyPort}`,
      code,
      importDirs: [music],
    });
    closers.push(() => box.stop());
    const first = await until(async () => {
      const s = await box.status();
      return s.fleet?.link === 'open' && s.library.tracks === 3 && s;
    }, 'enrollment through the proxy');
    const boxId = first.fleet?.boxId as string;

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
    expect(faults()).toBeGreaterThanOrEqual(FAULTS);
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(last.lastPlaySeq).toBeGreaterThan(20);
  });
});
