import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, startCore, type CoreHandle } from '@jukebox/kiosk-core';
import { ledgerResponse, statusResponse } from '@jukebox/protocol';
import { Acceptor } from './memory-acceptor.js';
import { tempDir } from './support.js';

// The operator API and its CLI against a real core: free credits with a reason, emptying the
// cash box, reading the ledger; every malformed request refused with nothing changed.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'packages/kiosk-core/src/operator-cli.ts');
const tsx = createRequire(import.meta.url).resolve('tsx');
const tmp = tempDir('operator');
const dataDir = path.join(tmp.dir, 'data');
const coin = new Acceptor('cctalk', 'cctalk:SIM:9', [
  { position: 1, valueCents: 25 },
  { position: 2, valueCents: 100 },
]);
let core: CoreHandle;
let token: string;

beforeAll(async () => {
  const config = parseConfig(
    {
      http: { port: 0 },
      dataDir,
      audio: { sink: { kind: 'null', pace: 0 } },
      money: { devices: [{ id: 'coins', driver: 'cctalk', path: '/dev/ttyCOIN' }] },
    },
    tmp.dir,
  );
  core = await startCore(config, { log: pino({ level: 'silent' }), createMoneyDevice: () => coin });
  await core.ready;
  const { readFileSync } = await import('node:fs');
  token = readFileSync(path.join(dataDir, 'operator.token'), 'utf8').trim();
});
afterAll(async () => {
  await core?.close();
  tmp.cleanup();
});

function api(route: string, init: { method?: string; body?: string; token?: string | null } = {}) {
  const headers: Record<string, string> = {};
  const t = init.token === undefined ? token : init.token;
  if (t !== null) headers.authorization = `Bearer ${t}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${core.url}/api/v1/operator${route}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body ?? null,
  });
}

async function ledger() {
  return ledgerResponse.parse(await (await api('/ledger?limit=1000')).json());
}

/** Runs jukebox-operator from its sources; returns exit code and output. */
function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@jukebox/source', '--import', tsx, cli, '--data-dir', dataDir, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('operator API', () => {
  it('keeps its token in a file only the box user can read', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(path.join(dataDir, 'operator.token')).mode & 0o777).toBe(0o600);
  });

  it('refuses a missing, wrong or malformed token', async () => {
    for (const t of [null, 'x'.repeat(43), `${token}x`, '']) {
      const res = await api('/ledger', { token: t });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    }
    const res = await fetch(`${core.url}/api/v1/operator/credits`, {
      method: 'POST',
      headers: { authorization: `Basic ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credits: 5, reason: 'test', staff: 'amy' }),
    });
    expect(res.status).toBe(401);
    expect((await ledger()).entries).toEqual([]);
  });

  it('gives free credits with a reason and a name, as a ledger row the UI sees', async () => {
    const res = await api('/credits', {
      body: JSON.stringify({ credits: 3, reason: 'coin jammed, refund', staff: 'amy' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { balance: number; entry: Record<string, unknown> };
    expect(body.balance).toBe(3);
    expect(body.entry).toMatchObject({
      kind: 'free',
      credits: 3,
      reason: 'coin jammed, refund',
      staff: 'amy',
      valueCents: null,
    });
    const status = statusResponse.parse(await (await fetch(`${core.url}/api/v1/status`)).json());
    expect(status.credits).toBe(3);
    // Free credits are not money: the cash box totals do not move.
    expect(status.money.totals.totalCents).toBe(0);
  });

  it('refuses malformed credit requests and changes nothing', async () => {
    const before = await ledger();
    const bad: [string, string][] = [
      ['{"credits":0,"reason":"why not","staff":"amy"}', 'credits'],
      ['{"credits":-2,"reason":"why not","staff":"amy"}', 'credits'],
      ['{"credits":1.5,"reason":"why not","staff":"amy"}', 'credits'],
      ['{"credits":"5","reason":"why not","staff":"amy"}', 'credits'],
      ['{"credits":1001,"reason":"why not","staff":"amy"}', 'credits'],
      ['{"credits":2,"staff":"amy"}', 'reason'],
      ['{"credits":2,"reason":"   ","staff":"amy"}', 'reason'],
      ['{"credits":2,"reason":"why not","staff":""}', 'staff'],
      [`{"credits":2,"reason":"why not","staff":"${'a'.repeat(65)}"}`, 'staff'],
      ['{"credits":2,"reason":"why not","staff":"amy","balance":99}', 'balance'],
      ['[1,2]', ''],
      ['null', ''],
    ];
    for (const [body, field] of bad) {
      const res = await api('/credits', { body });
      expect(res.status, body).toBe(400);
      const e = (await res.json()) as { code: string; error: string };
      expect(e.code, body).toBe('bad_request');
      expect(e.error, body).toContain(field);
    }
    for (const body of ['{"credits":', 'credits=5']) {
      const res = await api('/credits', { body });
      expect(res.status, body).toBe(400);
    }
    const wrongType = await fetch(`${core.url}/api/v1/operator/credits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'credits 5',
    });
    expect(wrongType.status).toBe(400);
    expect(await ledger()).toEqual(before);
  });

  it('a collection closes the cash box totals and reports what they held', async () => {
    coin.insert(100);
    coin.insert(25);
    coin.insert(25);
    const res = await api('/collection', { body: JSON.stringify({ staff: 'route 7: bo' }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      collection: { id: number; staff: string };
      collected: { totalCents: number; count: number; byDenomination: { valueCents: number }[] };
    };
    expect(body.collection).toMatchObject({ id: 1, staff: 'route 7: bo' });
    expect(body.collected).toMatchObject({ totalCents: 150, count: 3 });
    const status = statusResponse.parse(await (await fetch(`${core.url}/api/v1/status`)).json());
    expect(status.money.totals).toMatchObject({ totalCents: 0, count: 0 });
    expect(status.money.totals.sinceCollection).not.toBeNull();
    // Credits on the box are the patrons', not the cash box's: a collection leaves them.
    expect(status.credits).toBe(3 + 4 + 1 + 1);
    expect((await api('/collection', { body: '{"staff":" "}' })).status).toBe(400);
    expect((await api('/collection', { body: '{}' })).status).toBe(400);
  });

  it('pages through the ledger and refuses a bad page query', async () => {
    const all = await ledger();
    expect(all.entries.map((e) => e.kind)).toEqual(['free', 'credit', 'credit', 'credit']);
    const first = ledgerResponse.parse(await (await api('/ledger?limit=3')).json());
    expect(first.entries).toHaveLength(3);
    expect(first.next).toBe(first.entries[2]?.seq);
    const second = ledgerResponse.parse(
      await (await api(`/ledger?limit=3&after=${first.next}`)).json(),
    );
    expect(second.entries.map((e) => e.seq)).toEqual([all.entries[3]?.seq]);
    expect(second.next).toBeNull();
    for (const q of ['limit=0', 'limit=1001', 'after=-1', 'limit=abc', 'after=1.5', 'page=2']) {
      expect((await api(`/ledger?${q}`)).status, q).toBe(400);
    }
  });
});

describe('jukebox-operator CLI', () => {
  it('gives credits, collects and lists the ledger through the running core', async () => {
    const give = await runCli(['credits', '2', '--reason', 'birthday', '--staff', 'amy']);
    expect(give.err).toBe('');
    expect(give.code).toBe(0);
    expect(give.out).toMatch(/gave 2 credits \(ledger #\d+\); the box now has 11/);

    coin.insert(100);
    const collect = await runCli(['collect', '--staff', 'bo']);
    expect(collect.code).toBe(0);
    expect(collect.out).toContain('collection #2 by bo');
    expect(collect.out).toContain('the cash box held 1.00 in 1 coins and notes');

    const list = await runCli(['ledger', '--limit', '2']);
    expect(list.code).toBe(0);
    expect(list.out).toContain('free');
    expect(list.out).toMatch(/more: --after \d+/);

    const status = await runCli(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ totals: { totalCents: 0 } });
  });

  it('explains what is wrong instead of calling the core with bad arguments', async () => {
    const noReason = await runCli(['credits', '2', '--staff', 'amy']);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain('need --reason TEXT and --staff NAME');
    const refused = await runCli(['credits', '5000', '--reason', 'oops', '--staff', 'amy']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('refused (bad_request): credits');
    const unknown = await runCli(['refill']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "refill"');
    const nowhere = await runCli(['ledger', '--url', 'http://127.0.0.1:9']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.err).toContain('cannot reach the core');
  });
});
