// Starts the demo jukebox: the generated catalog, the built UI, the default sound device (or
// the null sink when there is none), and the money simulator (a ccTalk coin acceptor and an
// eSSP note validator on socat ptys, with a web panel), so songs cost credits as on a real
// box. Prints the jukebox and panel URLs and the Chromium kiosk command.
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

// The money simulator goes first: the core's config names its ptys, and the drivers would
// otherwise start on missing ports and wait out their reopen back-off.
const money = spawn(
  process.execPath,
  [path.join(root, 'firmware-hal/dist/money/sim-panel-cli.js'), '--port', moneyPort],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let core = null;
let stopping = false;
const stop = () => {
  stopping = true;
  if (core && core.exitCode === null) core.kill('SIGTERM');
  if (money.exitCode === null) money.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
money.on('exit', (code) => {
  if (stopping) return;
  console.error(`[demo] the money simulator exited (code ${code}); stopping`);
  process.exitCode = 1;
  stop();
});
const sim = await new Promise((resolve) => {
  readline.createInterface({ input: money.stdout }).once('line', (line) => {
    try {
      resolve(JSON.parse(line));
    } catch {
      console.error(`[demo] the money simulator said: ${line}`);
      resolve(null);
    }
  });
  money.once('exit', () => resolve(null));
});
if (!sim) {
  stop();
  console.error('[demo] the money simulator did not start (is socat installed?)');
  process.exit(1);
}

// Default pricing (protocol defaults), paid play: the two simulated units are the devices.
const configFile = path.join(demoDir, 'config.json');
writeFileSync(
  configFile,
  `${JSON.stringify(
    {
      money: {
        devices: [
          {
            id: 'coins',
            driver: 'cctalk',
            path: sim.coins,
            options: { coinValues: { US025: 25, US100: 100 } },
          },
          { id: 'notes', driver: 'essp', path: sim.notes },
        ],
      },
    },
    null,
    2,
  )}\n`,
);

core = spawn(
  process.execPath,
  [
    path.join(root, 'packages/kiosk-core/dist/cli.js'),
    '--config',
    configFile,
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
  { stdio: ['ignore', 'pipe', 'pipe'] },
);

const levels = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
readline.createInterface({ input: core.stderr }).on('line', (line) => {
  // The core logs JSON lines; show them as short readable lines.
  try {
    const { level, msg, time, box: _b, pid: _p, hostname: _h, v: _v, ...rest } = JSON.parse(line);
    const extra = Object.entries(rest)
      .filter(([, v]) => v !== undefined && typeof v !== 'object')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const t = new Date(time).toTimeString().slice(0, 8);
    console.log(`${t} ${levels[level] ?? level} ${msg}${extra ? `  (${extra})` : ''}`);
  } catch {
    console.log(line);
  }
});
readline.createInterface({ input: core.stdout }).on('line', (line) => {
  const m = /^JUKEBOX_CORE_READY (\S+)/.exec(line);
  if (!m) return console.log(line);
  const url = m[1];
  console.log(`
  ┌──────────────────────────────────────────────────────────────────────┐
    Jukebox running: ${url}
    Status API:      ${url}/api/v1/status
    Money panel:     ${sim.panel}   (insert coins and notes here)

    Open it as a kiosk:
      chromium --kiosk --app=${url} --no-first-run \\
        --disable-background-networking --disable-component-update
    (as root add --no-sandbox; in a normal browser just open the URL)

    Ctrl-C stops both.
  └──────────────────────────────────────────────────────────────────────┘
`);
});
core.on('exit', (code, signal) => {
  if (code) console.error(`[demo] the core exited with code ${code}`);
  const status = code ?? (signal ? 0 : 1);
  // Wait for the simulator to close its ptys (it kills socat) before leaving.
  if (money.exitCode !== null) process.exit(status);
  money.once('exit', () => process.exit(status));
  stop();
});
