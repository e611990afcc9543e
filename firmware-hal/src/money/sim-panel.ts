/**
 * The money simulator panel: a ccTalk coin acceptor and an eSSP note validator, each on the
 * device end of its own socat pty pair, driven from a small web page on 127.0.0.1. The core
 * opens the host ends as if they were real serial units (see `npm run demo`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { CcTalkCoinSimulator, type AcceptedCoin, type SimCoin } from './cctalk/index.js';
import { EsspSimulator, type EsspCreditedNote, type EsspSimChannel } from './essp/simulator.js';
import { openPtyPair, type PtyPair } from './pty-pair.js';
import { PANEL_HTML } from './sim-panel-page.js';

/** The panel's coin table: US quarter and dollar coin (the demo's ccTalk coinValues). */
export const PANEL_COINS: readonly SimCoin[] = [
  { position: 1, code: 'US025A', valueCents: 25 },
  { position: 2, code: 'US100A', valueCents: 100 },
];

/** The panel's note channels in USD: channel 1 = $1, 2 = $5, 3 = $10, 4 = $20. */
export const PANEL_NOTE_CHANNELS: readonly EsspSimChannel[] = [
  { value: 1 },
  { value: 5 },
  { value: 10 },
  { value: 20 },
];

/**
 * ccTalk error 14, credit sensor blocked: a coin stuck in the mech. The driver reports it as
 * a fatal jam, so the core shows the coin acceptor out of order.
 */
const COIN_JAM_CODE = 14;
const MAX_BODY_BYTES = 4096;
const MAX_LOG = 50;

export interface MoneySimPanelOptions {
  /** Panel port on 127.0.0.1; 0 picks a free one. Default 8481. */
  readonly port?: number;
}

/** One thing the panel did, newest last in {@link MoneySimPanelState.log}. */
export interface PanelLogEntry {
  readonly at: string;
  readonly action: string;
  readonly outcome: string;
}

/** What GET /api/state answers. */
export interface MoneySimPanelState {
  readonly coins: {
    /** Host end of the coin line: the path the core's ccTalk driver opens. */
    readonly path: string;
    readonly jammed: boolean;
    readonly masterInhibited: boolean;
    readonly accepted: readonly AcceptedCoin[];
    readonly acceptedCents: number;
  };
  readonly notes: {
    /** Host end of the note line: the path the core's eSSP driver opens. */
    readonly path: string;
    readonly jammed: boolean;
    readonly enabled: boolean;
    /** Phase of the note in the path, e.g. "escrow:2", or null. */
    readonly notePhase: string | null;
    readonly credited: readonly EsspCreditedNote[];
    readonly creditedCents: number;
  };
  readonly log: readonly PanelLogEntry[];
}

/** A running panel. */
export interface MoneySimPanel {
  /** Host end of the coin acceptor's pty. */
  readonly coinsPath: string;
  /** Host end of the note validator's pty. */
  readonly notesPath: string;
  /** Panel page, e.g. http://127.0.0.1:8481/. */
  readonly url: string;
  readonly coinSim: CcTalkCoinSimulator;
  readonly noteSim: EsspSimulator;
  state(): MoneySimPanelState;
  /** Stops the server, both simulators and both socat processes. */
  close(): Promise<void>;
}

const coinBody = z.strictObject({ position: z.number().int().min(1).max(16) });
const noteBody = z.strictObject({ channel: z.number().int().min(1).max(16) });
const faultBody = z.discriminatedUnion('target', [
  z.strictObject({
    target: z.literal('coins'),
    action: z.enum(['jam', 'clear-jam', 'power-cycle']),
  }),
  z.strictObject({
    target: z.literal('notes'),
    action: z.enum(['jam', 'clear-jam', 'power-cycle']),
  }),
]);

type Reply = { status: number; body: unknown };

/** Starts both simulators on fresh socat ptys and serves the panel. */
export async function startMoneySimPanel(
  options: MoneySimPanelOptions = {},
): Promise<MoneySimPanel> {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const coinLine = await track(openPtyPair(), closers);
    const noteLine = await track(openPtyPair(), closers);
    const coinSim = await CcTalkCoinSimulator.start({
      path: coinLine.device,
      coins: PANEL_COINS,
    });
    closers.push(() => coinSim.close());
    const noteSim = await EsspSimulator.open(noteLine.device, {
      currency: 'USD',
      channels: PANEL_NOTE_CHANNELS,
    });
    closers.push(() => noteSim.close());
    const panel = new Panel(coinLine, noteLine, coinSim, noteSim);
    const server = createServer((req, res) => void panel.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8481, '127.0.0.1', () => resolve());
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    panel.port = port;
    return {
      coinsPath: coinLine.host,
      notesPath: noteLine.host,
      url: `http://127.0.0.1:${port}/`,
      coinSim,
      noteSim,
      state: () => panel.state(),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function track(p: Promise<PtyPair>, closers: (() => Promise<void>)[]): Promise<PtyPair> {
  const pair = await p;
  closers.push(() => pair.close());
  return pair;
}

class Panel {
  port = 0;
  #coinJam = false;
  #noteJam = false;
  readonly #log: PanelLogEntry[] = [];

  constructor(
    private readonly coinLine: PtyPair,
    private readonly noteLine: PtyPair,
    private readonly coinSim: CcTalkCoinSimulator,
    private readonly noteSim: EsspSimulator,
  ) {}

  state(): MoneySimPanelState {
    const channels = PANEL_NOTE_CHANNELS;
    const credited = this.noteSim.credited;
    return {
      coins: {
        path: this.coinLine.host,
        jammed: this.#coinJam,
        masterInhibited: this.coinSim.state.masterInhibited,
        accepted: this.coinSim.accepted,
        acceptedCents: this.coinSim.acceptedCents,
      },
      notes: {
        path: this.noteLine.host,
        jammed: this.#noteJam,
        enabled: this.noteSim.model.isEnabled,
        notePhase: this.noteSim.model.notePhase,
        credited,
        creditedCents: credited.reduce(
          (sum, n) => sum + Math.round((channels[n.channel - 1]?.value ?? 0) * 100),
          0,
        ),
      },
      log: this.#log,
    };
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a foreign page may resolve its own name to 127.0.0.1; its requests then
    // carry that name in Host, which is refused here, as the core does.
    if (!isPanelHost(req.headers.host, this.port)) {
      return send(res, { status: 403, body: { error: 'this panel answers only 127.0.0.1' } });
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PANEL_HTML);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/state') {
      return send(res, { status: 200, body: this.state() });
    }
    const route = ROUTES[url.pathname];
    if (route === undefined) return send(res, { status: 404, body: { error: 'not found' } });
    if (req.method !== 'POST') {
      return send(res, { status: 405, body: { error: `${url.pathname} takes POST` } });
    }
    const body = await readJson(req);
    if (!body.ok) return send(res, { status: 400, body: { error: body.error } });
    send(res, route(this, body.value));
  }

  coin(raw: unknown): Reply {
    const parsed = coinBody.safeParse(raw);
    if (!parsed.success) return badRequest('expected {"position": 1-16}', parsed.error);
    const { position } = parsed.data;
    // A jammed mech takes nothing in; the coin comes straight back out of the return cup.
    const outcome = this.#coinJam ? 'jammed' : this.coinSim.insert(position);
    return this.#done(`coin ${describeCoin(position)}`, outcome);
  }

  note(raw: unknown): Reply {
    const parsed = noteBody.safeParse(raw);
    if (!parsed.success) return badRequest('expected {"channel": 1-16}', parsed.error);
    const { channel } = parsed.data;
    const taken = this.noteSim.model.insertNote(channel);
    return this.#done(`note ${describeNote(channel)}`, taken ? 'taken in' : 'refused at the slot');
  }

  fault(raw: unknown): Reply {
    const parsed = faultBody.safeParse(raw);
    if (!parsed.success) {
      return badRequest(
        'expected {"target": "coins"|"notes", "action": "jam"|"clear-jam"|"power-cycle"}',
        parsed.error,
      );
    }
    const { target, action } = parsed.data;
    if (target === 'coins') {
      if (action === 'jam') {
        this.#coinJam = true;
        this.coinSim.reject(COIN_JAM_CODE);
      } else {
        // Clearing a jammed mech means opening it; it restarts like a power cycle, which is
        // also what makes the host set it up again and report it ready.
        if (action === 'clear-jam') this.#coinJam = false;
        this.coinSim.powerCycle();
      }
    } else if (action === 'power-cycle') {
      this.noteSim.model.powerCycle();
    } else {
      this.#noteJam = action === 'jam';
      this.noteSim.model.setJam(this.#noteJam ? 'unsafe' : null);
    }
    return this.#done(`${target} ${action}`, 'done');
  }

  #done(action: string, outcome: string): Reply {
    this.#log.push({ at: new Date().toISOString(), action, outcome });
    if (this.#log.length > MAX_LOG) this.#log.shift();
    return { status: 200, body: { outcome, state: this.state() } };
  }
}

const ROUTES: Readonly<Record<string, (panel: Panel, body: unknown) => Reply>> = {
  '/api/coin': (p, b) => p.coin(b),
  '/api/note': (p, b) => p.note(b),
  '/api/fault': (p, b) => p.fault(b),
};

function describeCoin(position: number): string {
  const coin = PANEL_COINS.find((c) => c.position === position);
  return coin ? `${coin.code} (${formatCents(coin.valueCents)})` : `position ${position}`;
}

function describeNote(channel: number): string {
  const value = PANEL_NOTE_CHANNELS[channel - 1]?.value;
  return value === undefined ? `channel ${channel}` : `$${value} (channel ${channel})`;
}

function formatCents(cents: number): string {
  return cents < 100 ? `${cents}¢` : `$${(cents / 100).toFixed(2)}`;
}

function badRequest(expected: string, error: z.ZodError): Reply {
  return { status: 400, body: { error: `${expected}: ${z.prettifyError(error)}` } };
}

/** Whether Host names this panel on loopback (127.0.0.1 or localhost, on its own port). */
export function isPanelHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const m = /^(127\.0\.0\.1|localhost)(?::(\d+))?$/i.exec(host);
  return m !== null && Number(m[2] ?? 80) === port;
}

async function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    req.resume();
    return { ok: false, error: 'the body must be application/json' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false, error: 'the body is too large' };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, error: `the body is not valid JSON: ${(err as Error).message}` };
  }
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(reply.body));
}
