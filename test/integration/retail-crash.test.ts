import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { orderView, statusResponse } from '@jukebox/protocol';
import { assertBuilt, spawnCore, type CoreProcess } from './crash-support.js';
import { connect, tempDir, until } from './support.js';

// No burn is lost: the BUILT core of a retail terminal is SIGKILLed while a paid disc is
// being assembled and again while it is being written (a fake cdrdao stands in for the drive).
// After each restart the job runs again; in the end there is one disc, one payment and no
// refund, and the failed attempts are on record.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FAKE_CDRDAO = path.join(root, 'firmware-hal/src/burner/test-support/fake-cdrdao');
const tmp = tempDir('retail-crash');
let core: CoreProcess | null = null;

afterAll(async () => {
  if (core && core.child.exitCode === null) {
    core.child.kill('SIGKILL');
    await core.exited;
  }
  tmp.cleanup();
});

function start(configFile: string): CoreProcess {
  core = spawnCore(path.join(root, 'packages/kiosk-core/dist/cli.js'), configFile);
  return core;
}

async function kill(c: CoreProcess): Promise<void> {
  c.child.kill('SIGKILL');
  await c.exited;
}

describe('a retail terminal killed mid-burn', () => {
  it('burns the disc after the restarts, once, and keeps the payment', async () => {
    assertBuilt(root, [
      'packages/protocol',
      'packages/media',
      'firmware-hal',
      'packages/kiosk-core',
    ]);
    const music = path.join(tmp.dir, 'music');
    mkdirSync(music);
    for (let n = 1; n <= 4; n++) {
      execFileSync('ffmpeg', [
        ...['-loglevel', 'error', '-y', '-f', 'lavfi'],
        ...['-i', `sine=frequency=${300 + n * 50}:duration=${20 + n}`],
        ...['-metadata', `title=Track ${n}`, '-metadata', 'artist=Crash Test'],
        ...['-c:a', 'libmp3lame', '-b:a', '128k', path.join(music, `${n}.mp3`)],
      ]);
    }
    // The drive takes 6 s to write, long enough to be killed in the middle.
    const cdrdaoLog = path.join(tmp.dir, 'cdrdao.log');
    const scenario = path.join(tmp.dir, 'scenario.json');
    writeFileSync(scenario, JSON.stringify({ '/dev/sr0': 'ok', writeSeconds: 6, log: cdrdaoLog }));
    process.env.FAKE_CDRDAO_SCENARIO = scenario;
    const dataDir = path.join(tmp.dir, 'data');
    const configFile = path.join(tmp.dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        mode: 'retail',
        dataDir,
        http: { port: 0 },
        library: { importDirs: [music] },
        audio: { sink: { kind: 'null', pace: 0 } },
        money: { freePlay: false, table: [{ valueCents: 100, credits: 100 }] },
        retail: {
          burners: [{ id: 'sr0', driver: 'cdrdao', device: '/dev/sr0', executable: FAKE_CDRDAO }],
        },
      }),
    );

    // Start, pay (operator credits stand for coins here), order.
    let c = start(configFile);
    let url = await c.ready;
    const status = async () =>
      statusResponse.parse(await (await fetch(`${url}/api/v1/status`)).json());
    await until(async () => (await status()).library.tracks === 4, 'the import');
    const token = readFileSync(path.join(dataDir, 'operator.token'), 'utf8').trim();
    const granted = await fetch(`${url}/api/v1/operator/credits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credits: 899, reason: 'coins in the test', staff: 'test' }),
    });
    expect(granted.status).toBe(201);
    const client = await connect(url);
    const tracks = (await client.call('listTracks', { limit: 10 })) as {
      value: { items: { id: number }[] };
    };
    const placed = (await client.call('placeOrder', {
      requestId: 'crash-order-1',
      title: 'Survivor',
      trackIds: tracks.value.items.map((t) => t.id),
    })) as { ok: boolean; value: unknown };
    expect(placed.ok).toBe(true);
    const { trackingNumber } = orderView.parse(placed.value);
    client.close();

    // Kill 1: while the image is being assembled (the job was taken, nothing written yet).
    await until(async () => (await status()).retail?.orders.assembling === 1, 'assembling');
    await kill(c);

    // Kill 2: while the drive writes.
    c = start(configFile);
    url = await c.ready;
    await until(async () => {
      const b = (await status()).retail?.burners[0];
      return b?.state === 'working' && (b.progress ?? 0) > 0.1;
    }, 'the drive to be writing');
    await kill(c);

    // The last start finishes the disc.
    c = start(configFile);
    url = await c.ready;
    await until(async () => (await status()).retail?.orders.done === 1, 'the disc', 600);
    const s = await status();
    expect(s.retail?.orders).toMatchObject({ done: 1, refunded: 0 });
    expect(s.credits).toBe(0);
    await kill(c);

    const db = new Database(path.join(dataDir, 'box.sqlite'), { readonly: true });
    try {
      const kinds = (
        db
          .prepare(
            `SELECT e.kind, e.detail FROM burn_events e JOIN retail_orders o ON o.id = e.order_id
             WHERE o.tracking_number = ? ORDER BY e.id`,
          )
          .all(trackingNumber) as { kind: string; detail: string | null }[]
      ).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'failed')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'retry')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'burn-finished')).toHaveLength(1);
      expect(kinds.at(-1)).toBe('completed');
      expect(db.prepare('SELECT count(*) AS n FROM recordings').get()).toEqual({ n: 1 });
      const ledger = db.prepare('SELECT kind, credits FROM ledger ORDER BY seq').all();
      expect(ledger).toEqual([
        { kind: 'free', credits: 899 },
        { kind: 'spend', credits: -899 },
      ]);
      // The telemetry has the order, one recording, and every event, in the box's order.
      const up = db
        .prepare(
          `SELECT kind, count(*) AS n FROM telemetry_outbox
                  WHERE kind IN ('order', 'recording', 'burn-event') GROUP BY kind ORDER BY kind`,
        )
        .all();
      expect(up).toEqual([
        { kind: 'burn-event', n: kinds.length },
        { kind: 'order', n: 1 },
        { kind: 'recording', n: 1 },
      ]);
    } finally {
      db.close();
    }
    // The drive was asked to write twice: once killed mid-way, once to the end.
    const writes = readFileSync(cdrdaoLog, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"write"'));
    expect(writes).toHaveLength(2);
  }, 240_000);
});
