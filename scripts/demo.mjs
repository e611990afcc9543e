// Starts the demo: a jukebox and, beside it, a retail CD terminal, both on the generated
// catalog and the built UI. Each has its own money simulator (a ccTalk coin acceptor and an
// eSSP note validator on socat ptys, with a web panel), so songs and discs cost money as on a
// real box. The jukebox plays on the default sound device (or the null sink when there is
// none); the retail terminal "burns" with the image burner (TOC + WAV files in a folder) and
// saves the insert and label PDFs. Prints the URLs and the Chromium kiosk command.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = path.join(root, '.demo');
const catalogDir = path.join(demoDir, 'catalog');
const port = process.env.JUKEBOX_PORT ?? '8480';
const sink = process.env.JUKEBOX_SINK ?? 'auto';
const moneyPort = process.env.JUKEBOX_MONEY_PORT ?? '8481';
const retailPort = process.env.JUKEBOX_RETAIL_PORT ?? '8482';
const retailMoneyPort = process.env.JUKEBOX_RETAIL_MONEY_PORT ?? '8483';
const withRetail = process.env.JUKEBOX_RETAIL !== '0';
mkdirSync(demoDir, { recursive: true });

// Deterministic: the same seed always makes the same catalog; existing files are kept.
const gen = spawnSync(
  process.execPath,
  [
    path.join(root, 'packages/demo-catalog/dist/cli.js'),
    'generate',
    '--out',
    catalogDir,
    '--speak',
  ],
  { stdio: 'inherit' },
);
if (gen.status !== 0) {
  console.error('[demo] the demo catalog could not be generated (see above)');
  process.exit(1);
}

const uiDir = path.join(root, 'apps/kiosk/dist/renderer');
if (!existsSync(path.join(uiDir, 'index.html')))
  console.warn('[demo] the UI is not built; run npm run build');

/** The cores and the money simulators we started. */
const cores = [];
const sims = [];
let stopping = false;
const running = (child) => child.exitCode === null && child.signalCode === null;
/** Cores first (they inhibit their acceptors on the way out), then the simulators. */
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    cores.filter(running).map((c) => {
      c.kill('SIGTERM');
      return new Promise((r) => c.once('exit', r));
    }),
  );
  for (const s of sims) if (running(s)) s.kill('SIGTERM');
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

/** Starts a money simulator panel; resolves with its ptys and URL, or null. */
async function startMoneySim(label, panelPort) {
  const money = spawn(
    process.execPath,
    [path.join(root, 'firmware-hal/dist/money/sim-panel-cli.js'), '--port', panelPort],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  sims.push(money);
  money.on('exit', (code) => {
    if (stopping) return;
    console.error(`[demo] the ${label} money simulator exited (code ${code}); stopping`);
    process.exitCode = 1;
    void stop();
  });
  return new Promise((resolve) => {
    readline.createInterface({ input: money.stdout }).once('line', (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        console.error(`[demo] the ${label} money simulator said: ${line}`);
        resolve(null);
      }
    });
    money.once('exit', () => resolve(null));
  });
}

const levels = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Starts a core with `config`; its log lines are printed short, prefixed with `label`. */
function startCore(label, config, args, onReady) {
  const configFile = path.join(demoDir, `${label}-config.json`);
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const core = spawn(
    process.execPath,
    [path.join(root, 'packages/kiosk-core/dist/cli.js'), '--config', configFile, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cores.push(core);
  readline.createInterface({ input: core.stderr }).on('line', (line) => {
    // The core logs JSON lines; show them as short readable lines.
    try {
      const { level, msg, time, box: _b, pid: _p, hostname: _h, v: _v, ...rest } = JSON.parse(line);
      const extra = Object.entries(rest)
        .filter(([, v]) => v !== undefined && typeof v !== 'object')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const t = new Date(time).toTimeString().slice(0, 8);
      console.log(
        `${t} ${label.padEnd(7)} ${levels[level] ?? level} ${msg}${extra ? `  (${extra})` : ''}`,
      );
    } catch {
      console.log(`${label}: ${line}`);
    }
  });
  readline.createInterface({ input: core.stdout }).on('line', (line) => {
    const m = /^JUKEBOX_CORE_READY (\S+)/.exec(line);
    if (!m) return console.log(line);
    onReady(m[1]);
  });
  core.on('exit', (code, signal) => {
    if (code) console.error(`[demo] the ${label} core exited with code ${code}`);
    if (!stopping) {
      process.exitCode = code ?? (signal ? 0 : 1);
      void stop();
    }
  });
  return core;
}

// The money simulators go first: the cores' configs name their ptys, and the drivers would
// otherwise start on missing ports and wait out their reopen back-off.
const sim = await startMoneySim('jukebox', moneyPort);
const retailSim = withRetail ? await startMoneySim('retail', retailMoneyPort) : null;
if (!sim || (withRetail && !retailSim)) {
  await stop();
  console.error('[demo] a money simulator did not start (is socat installed?)');
  process.exit(1);
}

const devices = (s) => [
  {
    id: 'coins',
    driver: 'cctalk',
    path: s.coins,
    options: { coinValues: { US025: 25, US100: 100 } },
  },
  { id: 'notes', driver: 'essp', path: s.notes },
];

const ready = new Map();
function banner() {
  const jukebox = ready.get('jukebox');
  const retail = ready.get('retail');
  if (!jukebox || (withRetail && !retail)) return;
  console.log(`
  ┌──────────────────────────────────────────────────────────────────────┐
    Jukebox:            ${jukebox}
      status API:       ${jukebox}/api/v1/status
      money panel:      ${sim.panel}   (insert coins and notes here)
${
  retail
    ? `    Retail CD terminal: ${retail}
      money panel:      ${retailSim.panel}
      disc images:      ${path.join(demoDir, 'retail-images')}
      inserts, labels:  ${path.join(demoDir, 'retail-data', 'print')}
      a voucher:        npm run operator -- --data-dir .demo/retail-data voucher 500 --staff demo
`
    : ''
}
    Open one as a kiosk:
      chromium --kiosk --app=${jukebox} --no-first-run \\
        --disable-background-networking --disable-component-update
    (as root add --no-sandbox; in a normal browser just open the URL)

    Ctrl-C stops everything.
  └──────────────────────────────────────────────────────────────────────┘
`);
}

// The jukebox: default pricing (protocol defaults), paid play.
startCore(
  'jukebox',
  { money: { devices: devices(sim) } },
  [
    '--data-dir',
    path.join(demoDir, 'data'),
    '--import',
    catalogDir,
    '--ui',
    uiDir,
    '--port',
    port,
    '--sink',
    sink,
  ],
  (url) => {
    ready.set('jukebox', url);
    banner();
  },
);

// The retail CD terminal: one credit is one cent; a disc costs $8.99 for 7 songs, then $1 each.
if (withRetail) {
  startCore(
    'retail',
    {
      mode: 'retail',
      box: { id: 'demo-shop', name: 'Demo CD Shop' },
      money: {
        table: [25, 100, 500, 1000, 2000].map((v) => ({ valueCents: v, credits: v })),
        devices: devices(retailSim),
      },
      retail: {
        burners: [{ id: 'image-1', driver: 'image', dir: path.join(demoDir, 'retail-images') }],
      },
    },
    [
      '--data-dir',
      path.join(demoDir, 'retail-data'),
      '--import',
      catalogDir,
      '--ui',
      uiDir,
      '--port',
      retailPort,
      '--sink',
      'null',
    ],
    (url) => {
      ready.set('retail', url);
      banner();
    },
  );
}

// Last resort: nothing may outlive the demo.
process.on('exit', () => {
  for (const child of [...cores, ...sims]) if (running(child)) child.kill('SIGKILL');
});
