#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { AudioSinkConfig, KioskConfig } from '@jukebox/protocol';
import { ConfigError, loadConfig } from './config.js';
import { startCore } from './core.js';

const USAGE = `Usage: jukebox-core [serve] [options]

Starts the jukebox core: library, player, and the local HTTP/WebSocket API.

Options:
  --config FILE     JSON configuration (see README "Configuration"); default: embedded defaults
  --host HOST       listen address (default 127.0.0.1)
  --port N          listen port (default 8480; 0 = any free port)
  --data-dir DIR    where the box database and covers live
  --ui DIR          built touch UI to serve (apps/kiosk/dist/renderer)
  --import DIR      import this music folder at start (repeatable)
  --sink SINK       auto | null | alsa[:DEVICE] | pulse[:DEVICE] | wav:FILE
  --pace N          real-time factor for wav/null sinks (1 = real time, 0 = unpaced)
  -h, --help        this text

On start it prints "JUKEBOX_CORE_READY <url>" on stdout; logs are JSON lines on stderr.`;

function parseSink(spec: string, pace: number | undefined): AudioSinkConfig {
  const [kind, ...rest] = spec.split(':');
  const arg = rest.join(':');
  switch (kind) {
    case 'auto':
      return { kind: 'auto' };
    case 'null':
      return { kind: 'null', pace: pace ?? 1 };
    case 'alsa':
      return { kind: 'alsa', device: arg || 'default' };
    case 'pulse':
      return arg ? { kind: 'pulse', device: arg } : { kind: 'pulse' };
    case 'wav':
      if (!arg) throw new ConfigError('--sink wav needs a file: --sink wav:/tmp/out.wav');
      return { kind: 'wav', path: arg, pace: pace ?? 1 };
    default:
      throw new ConfigError(
        `unknown sink "${spec}": use auto, null, alsa[:DEVICE], pulse[:DEVICE] or wav:FILE`,
      );
  }
}

function configFromArgs(argv: string[]): KioskConfig {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      ui: { type: 'string' },
      import: { type: 'string', multiple: true },
      sink: { type: 'string' },
      pace: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 1 || (positionals[0] && positionals[0] !== 'serve')) {
    throw new ConfigError(`unknown command "${positionals.join(' ')}"\n\n${USAGE}`);
  }
  const config = loadConfig(values.config);
  const cwd = process.cwd();
  const resolve = (p: string) => (p.startsWith('/') ? p : `${cwd}/${p}`);
  if (values.host) config.http.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError(`--port must be 0-65535, not "${values.port}"`);
    config.http.port = port;
  }
  if (values['data-dir']) config.dataDir = resolve(values['data-dir']);
  if (values.ui) config.ui.dir = resolve(values.ui);
  if (values.import) config.library.importDirs.push(...values.import.map(resolve));
  let pace: number | undefined;
  if (values.pace !== undefined) {
    pace = Number(values.pace);
    if (!Number.isFinite(pace) || pace < 0)
      throw new ConfigError(`--pace must be a number >= 0, not "${values.pace}"`);
  }
  if (values.sink) {
    const sink = parseSink(values.sink, pace);
    if (sink.kind === 'wav') sink.path = resolve(sink.path);
    config.audio.sink = sink;
  }
  return config;
}

async function main(): Promise<void> {
  let config: KioskConfig;
  try {
    config = configFromArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`jukebox-core: ${(err as Error).message}`);
    process.exit(2);
  }
  const core = await startCore(config);
  // The Electron shell and the demo script wait for exactly this line.
  process.stdout.write(`JUKEBOX_CORE_READY ${core.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    core.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    core.close().then(
      () => process.exit(process.exitCode ?? 0),
      (err: unknown) => {
        core.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  core.jukebox.onFatal(() => {
    process.exitCode = 1;
    stop('fatal: playback stopped');
  });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`jukebox-core: failed to start: ${(err as Error).message}`);
  process.exit(1);
});
