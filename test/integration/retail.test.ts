import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreHandle } from '@jukebox/kiosk-core';
import {
  burnEventData,
  orderData,
  orderView,
  recordingData,
  statusResponse,
  type OrderView,
} from '@jukebox/protocol';
import { connect, startTestCore, tempDir, tone, until } from './support.js';

// A retail terminal end to end, in a real core: 15 tracks imported from MP3s, a disc ordered
// and paid through the kiosk WebSocket API, assembled by real ffmpeg, "burned" by the cdrdao
// driver (a fake cdrdao that fails mid-write, for the physical drive) and then by the image
// burner on the retry, checked by real cdrdao and cueprint, PCM compared with plain ffmpeg,
// the insert and label PDFs read back, and every step in the events and the telemetry.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FAKE_CDRDAO = path.join(root, 'firmware-hal/src/burner/test-support/fake-cdrdao');
const tmp = tempDir('retail');
const music = path.join(tmp.dir, 'music');
let core: CoreHandle;
let client: Awaited<ReturnType<typeof connect>>;
let ids: number[];

const TRACKS = 15;
const isrc = (n: number) => `USJBX26${String(n).padStart(5, '0')}`;

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = (await client.call(method, params)) as
    | { ok: true; value: T }
    | { ok: false; error: { code: string; message: string; missingCredits?: number } };
  if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.message}`), { error: r.error });
  return r.value;
}

async function settled(trackingNumber: string): Promise<OrderView> {
  return until(
    async () => {
      const o = orderView.parse(await call('getOrder', { trackingNumber }));
      return o.status === 'done' || o.status === 'refunded' ? o : null;
    },
    `order ${trackingNumber} to finish`,
    1200,
  );
}

beforeAll(async () => {
  mkdirSync(music);
  for (let n = 1; n <= TRACKS; n++) {
    // 4.1 to 5.5 s, each at its own pitch: every track's PCM differs.
    const seconds = 4.1 + (n % 8) * 0.2;
    tone(
      path.join(music, `${String(n).padStart(2, '0')}.mp3`),
      seconds,
      { title: `Song ${n} "quoted"`, artist: `Artist ${n}`, TSRC: isrc(n) },
      200 + n * 37,
    );
  }
  // The physical drive fails half way through; the image burner is the second drive.
  const scenario = path.join(tmp.dir, 'cdrdao-scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      '/dev/sr0': 'fail-mid-write',
      writeSeconds: 0.3,
      log: path.join(tmp.dir, 'cdrdao.log'),
    }),
  );
  process.env.FAKE_CDRDAO_SCENARIO = scenario;
  ({ core } = await startTestCore(
    {
      mode: 'retail',
      dataDir: path.join(tmp.dir, 'data'),
      library: { importDirs: [music] },
      audio: { sink: { kind: 'null', pace: 0 } },
      money: {
        freePlay: false,
        table: [
          { valueCents: 100, credits: 100 },
          { valueCents: 500, credits: 500 },
        ],
      },
      retail: {
        media: '74',
        pricing: { basePrice: 899, baseTracks: 7, perTrackPrice: 100 },
        mcn: '0123456789012',
        burners: [
          { id: 'drive-1', driver: 'cdrdao', device: '/dev/sr0', executable: FAKE_CDRDAO },
          { id: 'image-1', driver: 'image', dir: path.join(tmp.dir, 'images'), verify: true },
        ],
      },
    },
    tmp.dir,
  ));
  await core.ready;
  client = await connect(core.url);
  const list = await call<{ items: { id: number; title: string }[] }>('listTracks', {
    limit: 100,
  });
  ids = list.items
    .sort((a, b) => Number(/\d+/.exec(a.title)![0]) - Number(/\d+/.exec(b.title)![0]))
    .map((t) => t.id);
  expect(ids).toHaveLength(TRACKS);
}, 120_000);

afterAll(async () => {
  client?.close();
  await core?.close();
  tmp.cleanup();
});

describe('a retail terminal', () => {
  it('refuses what breaks the limits, with the reason, through the API', async () => {
    const tooMany = await client.call('placeOrder', {
      requestId: 'too-many-0001',
      title: 'Too many',
      trackIds: Array.from({ length: 100 }, (_, i) => ids[i % TRACKS]!),
    });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(JSON.stringify(tooMany)).toMatch(/at most 99 tracks/);
    const quote = await call<{ problems: { code: string }[]; price: number }>('quoteDisc', {
      trackIds: ids,
    });
    expect(quote.problems).toEqual([]);
    expect(quote.price).toBe(899 + 8 * 100);
    const broke = await client.call('placeOrder', {
      requestId: 'no-money-0001',
      title: 'No money',
      trackIds: ids,
    });
    expect(broke).toMatchObject({
      ok: false,
      error: { code: 'insufficient_credits', missingCredits: 1699 },
    });
  });

  it('burns a paid 15-track disc: the cdrdao drive fails, the retry on the image burner makes a disc that matches the order', async () => {
    // A voucher pays most of it (issued by staff through the operator API), coins the rest.
    const token = readFileSync(path.join(tmp.dir, 'data', 'operator.token'), 'utf8').trim();
    const issued = await fetch(`${core.url}/api/v1/operator/vouchers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credits: 1500, staff: 'amy', note: 'integration' }),
    });
    expect(issued.status).toBe(201);
    const { code } = (await issued.json()) as { code: string };
    expect(await call('redeemVoucher', { code: code.toLowerCase() })).toEqual({
      credits: 1500,
      balance: 1500,
    });
    expect(await client.call('redeemVoucher', { code })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    const granted = await fetch(`${core.url}/api/v1/operator/credits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credits: 199, reason: 'coins in the test', staff: 'amy' }),
    });
    expect(granted.status).toBe(201);

    // Disc order: reversed, one track twice.
    const order = [...ids].reverse().slice(0, 14).concat(ids[14]!);
    const placed = orderView.parse(
      await call('placeOrder', {
        requestId: 'order-0000001',
        title: 'Road "trip" mix',
        trackIds: order,
        customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      }),
    );
    expect(placed.price).toBe(1699);
    const done = await settled(placed.trackingNumber);
    expect(done.status).toBe('done');
    const kinds = done.events.map((e) => `${e.kind}${e.burnerId ? `@${e.burnerId}` : ''}`);
    expect(kinds).toContain('failed@drive-1');
    expect(kinds.indexOf('retry')).toBeGreaterThan(kinds.indexOf('failed@drive-1'));
    expect(kinds.slice(kinds.indexOf('retry') + 1)).toEqual([
      'burner-chosen@image-1',
      'image-assembled@image-1',
      'downloads-paused@image-1',
      'burn-started@image-1',
      'burn-finished@image-1',
      'verified@image-1',
      'downloads-resumed',
      'printed',
      'completed@image-1',
    ]);
    expect(done.events.find((e) => e.kind === 'failed')?.detail).toMatch(
      /writing the disc failed/i,
    );
    const status = statusResponse.parse(await (await fetch(`${core.url}/api/v1/status`)).json());
    expect(status.credits).toBe(0);
    expect(status.retail?.orders.done).toBe(1);

    // The image: one folder per recording, validated by real cdrdao.
    const imageDirs = readdirSync(path.join(tmp.dir, 'images'));
    expect(imageDirs).toHaveLength(1);
    const dir = path.join(tmp.dir, 'images', imageDirs[0]!);
    const toc = path.join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.toc'))!,
    );
    for (const cmd of ['toc-size', 'read-test']) {
      const r = spawnSync('cdrdao', [cmd, toc], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `cdrdao ${cmd}: ${r.stderr}`).toBe(0);
    }
    const printed = spawnSync('cueprint', ['-i', 'toc', toc], { encoding: 'utf8' });
    expect(printed.status, printed.stderr).toBe(0);
    // cueprint shows CD-TEXT as the TOC spells it (quotes escaped).
    const [disc, ...trackBlocks] = printed.stdout.split(/^Track \d+ Information$/m);
    expect(disc).toMatch(/^title:\s+Road \\"trip\\" mix$/m);
    const shown = spawnSync('cdrdao', ['show-toc', toc], { cwd: dir, encoding: 'utf8' });
    expect(shown.stdout).toContain('CATALOG NUMBER: 0123456789012');
    // Whole sectors: no track is padded by cdrdao (it would mark the END with a star).
    expect(shown.stdout).not.toMatch(/END\*/);
    expect(shown.stdout.match(/^TRACK +\d+/gm)).toHaveLength(TRACKS);
    expect(trackBlocks).toHaveLength(TRACKS);
    for (const [i, id] of order.entries()) {
      const n = ids.indexOf(id) + 1;
      expect(trackBlocks[i], `track ${i + 1}`).toMatch(
        new RegExp(`^title:\\s+Song ${n} \\\\"quoted\\\\"$`, 'm'),
      );
      expect(trackBlocks[i]).toMatch(new RegExp(`^ISRC:\\s+${isrc(n)}$`, 'm'));
      expect(trackBlocks[i]).toMatch(new RegExp(`^perfomer:\\s+Artist ${n}$`, 'm'));
    }
    const tocText = readFileSync(toc, 'latin1');
    expect(tocText.match(/^TRACK AUDIO/gm)).toHaveLength(TRACKS);
    expect(tocText).toContain('CATALOG "0123456789012"');
    expect(tocText).toMatch(/PREGAP 0:2:0/);

    // Each track's PCM equals a plain ffmpeg decode of its source (padding is silence).
    const wavs = [...tocText.matchAll(/FILE "([^"]+)"/g)].map((m) => path.resolve(dir, m[1]!));
    expect(wavs).toHaveLength(TRACKS);
    for (const [i, id] of order.entries()) {
      const source = path.join(music, `${String(ids.indexOf(id) + 1).padStart(2, '0')}.mp3`);
      const plain = execFileSync(
        'ffmpeg',
        ['-v', 'error', '-i', source, '-f', 's16le', '-ar', '44100', '-ac', '2', '-'],
        { maxBuffer: 64 << 20 },
      );
      const wav = readFileSync(wavs[i]!);
      const data = wav.subarray(wav.indexOf('data') + 8);
      expect(data.length % 2352, `track ${i + 1} whole sectors`).toBe(0);
      const head = data.subarray(0, plain.length);
      expect(sha(head), `track ${i + 1} PCM`).toBe(sha(plain));
      expect(data.subarray(plain.length).every((b) => b === 0)).toBe(true);
    }

    // Insert and label were printed to PDF (no printer configured: saved).
    const pdf = path.join(tmp.dir, 'data', 'print', placed.trackingNumber, 'insert.pdf');
    expect(existsSync(pdf)).toBe(true);
    const pdfText = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(pdfText).toContain(placed.trackingNumber);
    for (let n = 1; n <= TRACKS; n++) expect(pdfText).toContain(`Song ${n}`);

    // Up to the fleet: the order (with the contact, for staff), every event, the recording.
    const outbox = core.jukebox.telemetry.outbox.pending(0, 10_000);
    const up = outbox.filter((r) => ['order', 'burn-event', 'recording'].includes(r.kind));
    const orderRec = orderData.parse(up.find((r) => r.kind === 'order')!.data);
    expect(orderRec.tracks.map((t) => t.isrc)).toEqual(
      order.map((id) => isrc(ids.indexOf(id) + 1)),
    );
    expect(orderRec.customer?.email).toBe('ada@example.com');
    const events = up
      .filter((r) => r.kind === 'burn-event')
      .map((r) => burnEventData.parse(r.data));
    expect(events.map((e) => e.kind)).toEqual(done.events.map((e) => e.kind));
    const recording = recordingData.parse(up.find((r) => r.kind === 'recording')!.data);
    expect(recording).toMatchObject({ trackingNumber: placed.trackingNumber, burnerId: 'image-1' });
    expect(tocText).toContain(recording.recordingId);
    expect(disc).toMatch(new RegExp(`^message:\\s+${recording.recordingId}$`, 'm'));
  }, 180_000);

  it('refuses malformed retail requests with a clear error and changes nothing', async () => {
    const before = core.jukebox.telemetry.outbox.lastSeq();
    const balance = core.jukebox.state().credits;
    const bad: [string, unknown, RegExp][] = [
      ['placeOrder', { title: 'x', trackIds: [ids[0]] }, /requestId/],
      ['placeOrder', { requestId: 'short', title: 'x', trackIds: [ids[0]] }, /requestId/],
      ['placeOrder', { requestId: 'valid-id-01', title: '', trackIds: [ids[0]] }, /title/],
      ['placeOrder', { requestId: 'valid-id-02', title: 'a\u0007b', trackIds: [ids[0]] }, /title/],
      [
        'placeOrder',
        { requestId: 'valid-id-03', title: 'x'.repeat(81), trackIds: [ids[0]] },
        /title/,
      ],
      ['placeOrder', { requestId: 'valid-id-04', title: 'x', trackIds: [] }, /trackIds/],
      ['placeOrder', { requestId: 'valid-id-05', title: 'x', trackIds: ['1'] }, /trackIds/],
      ['placeOrder', { requestId: 'valid-id-06', title: 'x', trackIds: [-1] }, /trackIds/],
      [
        'placeOrder',
        { requestId: 'valid-id-07', title: 'x', trackIds: [ids[0]], customer: { email: 'no' } },
        /email/,
      ],
      ['quoteDisc', { trackIds: Array.from({ length: 501 }, () => 1) }, /trackIds/],
      ['quoteDisc', { trackIds: 'all' }, /trackIds/],
      ['redeemVoucher', { code: '' }, /code/],
      ['redeemVoucher', { code: 'x'.repeat(33) }, /code/],
      ['getOrder', { trackingNumber: 5 }, /trackingNumber/],
    ];
    for (const [method, params, field] of bad) {
      const r = (await client.call(method, params)) as {
        ok: boolean;
        error?: { code: string; message: string };
      };
      expect(r.ok, `${method} ${JSON.stringify(params).slice(0, 60)}`).toBe(false);
      expect(r.error?.code).toBe('bad_request');
      expect(r.error?.message).toMatch(field);
    }
    expect(await client.call('getOrder', { trackingNumber: 'ZZZZ-ZZZZ-ZZZZ' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await client.call('redeemVoucher', { code: 'NOPE-NOPE-NOPE' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // The operator's voucher endpoint: token first, then the body.
    const token = readFileSync(path.join(tmp.dir, 'data', 'operator.token'), 'utf8').trim();
    const post = (body: unknown, auth = `Bearer ${token}`) =>
      fetch(`${core.url}/api/v1/operator/vouchers`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ credits: 100, staff: 'amy' }, 'Bearer wrong')).status).toBe(401);
    for (const body of [
      {},
      { credits: 0, staff: 'amy' },
      { credits: 100_001, staff: 'amy' },
      { credits: 1.5, staff: 'amy' },
      { credits: 100 },
      { credits: 100, staff: 'amy', extra: true },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(core.jukebox.telemetry.outbox.lastSeq()).toBe(before);
    expect(core.jukebox.state().credits).toBe(balance);
  });

  it('cuts a low-quality preview of a track and serves it with ranges', async () => {
    const res = await fetch(`${core.url}/media/previews/${ids[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/audio\/ogg/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 4).toString()).toBe('OggS');
    const part = await fetch(`${core.url}/media/previews/${ids[0]}`, {
      headers: { range: 'bytes=0-99' },
    });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    expect((await fetch(`${core.url}/media/previews/999999`)).status).toBe(404);
    expect((await fetch(`${core.url}/media/previews/abc`)).status).toBe(400);
    const probe = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_name,channels,sample_rate',
        '-of',
        'json',
        '-',
      ],
      { input: body, encoding: 'utf8' },
    );
    expect(JSON.parse(probe).streams[0]).toMatchObject({ codec_name: 'opus', channels: 1 });
  });
});

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
