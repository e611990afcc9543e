import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMoneyDevice } from './factory.js';
import { isPanelHost, startMoneySimPanel, type MoneySimPanel } from './sim-panel.js';
import type { MoneyDevice, MoneyEvent } from './types.js';

// The panel over real HTTP, with both simulators on socat ptys and the real ccTalk and eSSP
// drivers on the host ends (as the core opens them), so an insert is seen end to end.
let panel: MoneySimPanel;
const devices: MoneyDevice[] = [];
const events: MoneyEvent[] = [];

async function until(check: () => boolean, what: string, limitMs = 10000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface HttpReply {
  status: number;
  json: unknown;
  text: string;
}

function call(
  method: string,
  path: string,
  opts: { body?: string; host?: string; type?: string } = {},
): Promise<HttpReply> {
  const url = new URL(path, panel.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname,
        method,
        headers: {
          host: opts.host ?? url.host,
          ...(opts.body === undefined ? {} : { 'content-type': opts.type ?? 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            // the page is HTML
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const post = (path: string, body: unknown) => call('POST', path, { body: JSON.stringify(body) });

beforeAll(async () => {
  panel = await startMoneySimPanel({ port: 0 });
  const log = () => undefined;
  const coins = createMoneyDevice(
    {
      id: 'coins',
      driver: 'cctalk',
      path: panel.coinsPath,
      options: { coinValues: { US025: 25, US100: 100 } },
    },
    { currency: 'USD', log },
  );
  const notes = createMoneyDevice(
    { id: 'notes', driver: 'essp', path: panel.notesPath, options: {} },
    { currency: 'USD', log },
  );
  for (const d of [coins, notes]) {
    d.onEvent((e) => events.push(e));
    const info = await d.open({ device: null, checkpoint: null });
    devices.push(d);
    await d.setEnabledDenominations(info.denominations.map((x) => x.position));
    await d.setMasterInhibit(false);
  }
}, 30_000);

afterAll(async () => {
  for (const d of devices) await d.close();
  await panel?.close();
});

describe('money simulator panel', () => {
  it('serves the page with the buttons', async () => {
    const page = await call('GET', '/');
    expect(page.status).toBe(200);
    for (const label of ['Insert 25¢', 'Insert $1', 'Insert $5 note', 'Jam coins', 'Clear jam']) {
      expect(page.text).toContain(label);
    }
  });

  it('a coin and a note inserted by POST are credited by the drivers and shown in the state', async () => {
    const coin = await post('/api/coin', { position: 2 });
    expect(coin.status).toBe(200);
    expect(coin.json).toMatchObject({ outcome: 'accepted' });
    const note = await post('/api/note', { channel: 2 });
    expect(note.json).toMatchObject({ outcome: 'taken in' });

    await until(
      () => events.filter((e) => e.type === 'credit').length === 2,
      'the coin and the note credited',
    );
    const credits = events.flatMap((e) => (e.type === 'credit' ? [e.valueCents] : []));
    expect(credits.sort((a, b) => a - b)).toEqual([100, 500]);

    const state = await call('GET', '/api/state');
    expect(state.json).toMatchObject({
      coins: { path: panel.coinsPath, acceptedCents: 100, accepted: [{ code: 'US100A' }] },
      notes: { path: panel.notesPath, creditedCents: 500, credited: [{ channel: 2, value: 5 }] },
    });
  });

  it('a coin jam is reported to the driver as a fatal jam; a jammed mech takes no coin', async () => {
    expect((await post('/api/fault', { target: 'coins', action: 'jam' })).status).toBe(200);
    await until(
      () => events.some((e) => e.type === 'fault' && e.reason === 'jam' && e.fatal),
      'a fatal jam fault',
    );
    expect((await post('/api/coin', { position: 1 })).json).toMatchObject({ outcome: 'jammed' });
    await post('/api/fault', { target: 'coins', action: 'clear-jam' });
    expect(panel.state().coins.jammed).toBe(false);
    // Clearing restarts the mech; the driver sets it up again and it takes coins.
    await until(() => !panel.coinSim.state.masterInhibited, 'the driver to enable it again');
    expect((await post('/api/coin', { position: 1 })).json).toMatchObject({ outcome: 'accepted' });
    await until(
      () => events.filter((e) => e.type === 'credit').length === 3,
      'the coin after the jam credited',
    );
  });

  it('answers bad requests with 400 and a message', async () => {
    const badJson = await call('POST', '/api/coin', { body: '{"position":' });
    expect(badJson.status).toBe(400);
    expect(badJson.json).toMatchObject({ error: expect.stringContaining('not valid JSON') });
    const badField = await post('/api/note', { channel: 'five' });
    expect(badField.status).toBe(400);
    expect(badField.json).toMatchObject({ error: expect.stringContaining('channel') });
    const badFault = await post('/api/fault', { target: 'coins', action: 'explode' });
    expect(badFault.status).toBe(400);
    const notJson = await call('POST', '/api/coin', { body: 'position=1', type: 'text/plain' });
    expect(notJson.status).toBe(400);
    expect((await call('GET', '/api/coin')).status).toBe(405);
    expect(panel.state().coins.accepted).toHaveLength(2);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const port = new URL(panel.url).port;
    const foreign = await call('GET', '/api/state', { host: `evil.example:${port}` });
    expect(foreign.status).toBe(403);
    expect((await call('GET', '/api/state', { host: `localhost:${port}` })).status).toBe(200);
    expect(isPanelHost('127.0.0.1:1', 2)).toBe(false);
    expect(isPanelHost(undefined, 2)).toBe(false);
  });
});
