import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CcTalkCoinSimulator } from '@jukebox/firmware-hal/money';
import type { StatusResponse } from '@jukebox/protocol';
import { openPtyPair } from '../../firmware-hal/src/money/test-support/pty.js';
import {
  assertBuilt,
  CheckpointReader,
  eventsBetween,
  seededRandom,
  spawnCore,
  type CoreProcess,
} from './crash-support.js';
import { tempDir, until } from './support.js';

// Power-cut safety of the money path, with the core as a real process killed by SIGKILL (no
// shutdown code runs) hundreds of times while coins go in. The credit and the acceptor
// checkpoint that accounts for it are one SQLite transaction, and the ccTalk driver reconciles
// the unit's 229 event counter against the stored checkpoint at every start, so in the end
// the money in the ledger must equal, exactly, the money the simulated acceptor accepted.
//
// The core runs from its BUILD (packages/kiosk-core/dist/cli.js): `node --import tsx` on the
// sources takes 1.5-3.5 s to reach READY on this 2-core box against about 1 s for the build,
// which would double the run time of 200+ cycles. `assertBuilt` refuses a stale build.
//
// Coins only: with plain SSP (no POLL WITH ACK yet) a CREDIT NOTE reply sent just before the
// host died is not repeated by the validator, so a note CAN be lost at a kill; that is a known
// protocol limit, not something this test could prove exact.
//
// The ccTalk buffer holds five events: more than five coins between the last committed
// checkpoint and the next poll are lost on a real unit too (the driver reports "events lost").
// The schedule therefore inserts a coin only while at most three events are uncommitted,
// judged from the checkpoint the core committed (read from its database, read-only).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KILLS = Number(process.env.MONEY_CRASH_KILLS ?? 200);
const SEED = Number(process.env.MONEY_CRASH_SEED ?? Date.now() % 1_000_000);
const tmp = tempDir('money-crash');
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  tmp.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function kill(core: CoreProcess): Promise<void> {
  if (core.child.exitCode === null && core.child.signalCode === null) core.child.kill('SIGKILL');
  await core.exited;
}

describe('money across SIGKILLs of the core', () => {
  it(`credits exactly the accepted coins after ${KILLS} kills`, { timeout: 600_000 }, async () => {
    assertBuilt(root, [
      'packages/protocol',
      'packages/media',
      'firmware-hal',
      'packages/kiosk-core',
    ]);
    console.log(`money-crash seed ${SEED} (replay: MONEY_CRASH_SEED=${SEED})`);
    const random = seededRandom(SEED);

    const line = await openPtyPair();
    closers.push(() => line.close());
    const sim = await CcTalkCoinSimulator.start({
      path: line.device,
      coins: [
        { position: 1, code: 'US025A', valueCents: 25 },
        { position: 2, code: 'US100A', valueCents: 100 },
      ],
    });
    closers.push(() => sim.close());

    const dataDir = path.join(tmp.dir, 'data');
    const configFile = path.join(tmp.dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir,
        http: { port: 0 },
        log: { level: 'warn' },
        audio: { sink: { kind: 'null', pace: 0 } },
        money: {
          devices: [
            {
              id: 'coins',
              driver: 'cctalk',
              path: line.host,
              options: { coinValues: { US025: 25, US100: 100 } },
            },
          ],
        },
      }),
    );
    const checkpoints = new CheckpointReader(path.join(dataDir, 'box.sqlite'));
    closers.push(() => checkpoints.close());

    // The coin schedule runs for the whole test, independent of the kill cycles.
    let inserting = true;
    const outcomes = { accepted: 0, inhibited: 0, held: 0 };
    const inserter = (async () => {
      while (inserting) {
        await sleep(20 + random() * 150);
        const committed = checkpoints.committedCounter('coins');
        if (committed === null || eventsBetween(committed, sim.state.counter) > 3) {
          outcomes.held += 1;
          continue;
        }
        const outcome = sim.insert(random() < 0.7 ? 1 : 2);
        if (outcome === 'accepted') outcomes.accepted += 1;
        else outcomes.inhibited += 1;
      }
    })();

    let readyKills = 0;
    for (let i = 0; i < KILLS; i++) {
      const core = spawnCore(path.join(root, 'packages/kiosk-core/dist/cli.js'), configFile);
      if (random() < 0.5) {
        // Killed while starting: opening the database, migrating, setting the acceptor up.
        await Promise.race([sleep(random() * 800), core.exited]);
      } else {
        // Killed while running: polling, committing credits.
        const up = await Promise.race([
          core.ready.then(
            () => true,
            () => false,
          ),
          sleep(15_000),
        ]);
        if (up) readyKills += 1;
        await Promise.race([sleep(random() * 800), core.exited]);
      }
      if (core.child.exitCode !== null) {
        throw new Error(`core exited by itself (${core.child.exitCode}):\n${core.stderrTail()}`);
      }
      await kill(core);
    }

    // Final clean start; coins keep coming for a while, then a settle period.
    const last = spawnCore(path.join(root, 'packages/kiosk-core/dist/cli.js'), configFile);
    closers.push(() => kill(last));
    const url = await last.ready;
    await sleep(2000);
    inserting = false;
    await inserter;
    await until(
      () => checkpoints.committedCounter('coins') === sim.state.counter,
      'every coin event committed',
    );
    const status = (await (await fetch(`${url}/api/v1/status`)).json()) as StatusResponse;
    console.log(
      `money-crash: ${KILLS} kills (${readyKills} after READY), coins`,
      outcomes,
      `accepted ${sim.acceptedCents} cents`,
      status.money.totals.byDenomination,
    );

    const byCode = (code: string) => sim.accepted.filter((c) => c.code === code).length;
    expect(status.money.totals.totalCents).toBe(sim.acceptedCents);
    expect(status.money.totals.count).toBe(sim.accepted.length);
    const counts: Record<number, number> = {};
    for (const d of status.money.totals.byDenomination) {
      counts[d.valueCents] = (counts[d.valueCents] ?? 0) + d.count;
    }
    expect(counts).toEqual({ 25: byCode('US025A'), 100: byCode('US100A') });
    expect(status.money.devices.find((d) => d.id === 'coins')?.state).toBe('ready');
    // The schedule really did exercise both kinds of kill, with coins in flight.
    expect(readyKills).toBeGreaterThan(KILLS / 5);
    expect(sim.accepted.length).toBeGreaterThan(KILLS / 2);
  });
});
