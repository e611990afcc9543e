import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { KioskConfig, MoneyDeviceConfig } from '@jukebox/protocol';
import { createAudioSink } from '@jukebox/firmware-hal/audio';
import { createBurner } from '@jukebox/firmware-hal/burner';
import { createMoneyDevice as createSerialMoneyDevice } from '@jukebox/firmware-hal/money';
import { assembleCdImage } from '@jukebox/media';
import type { MoneyDevice } from '@jukebox/firmware-hal/money';
import { openDatabase } from './db/index.js';
import { Library, LoudnessJob } from './library/index.js';
import { createLogger, type Logger } from './log.js';
import { CreditLedger, MoneyService, PaidQueue } from './money/index.js';
import { writeCoreUrl } from './core-url.js';
import { OperatorService } from './operator/service.js';
import { SyncAgent } from './sync/agent.js';
import { ContentKeys } from './sync/content-keys.js';
import { PlaintextServer } from './sync/plaintext-server.js';
import { PrintService } from './print/index.js';
import { RetailService } from './retail/service.js';
import type { PrintDisc } from './retail/station.js';
import { VERSION } from './version.js';
import { SongRequests, TelemetryOutbox } from './telemetry/index.js';
import { loadOrCreateOperatorToken } from './operator/token.js';
import { PlayLog } from './plays/index.js';
import { Player, type PlayItem } from './player/index.js';
import { QueueStore } from './queue/index.js';
import { createHttpServer } from './server/http.js';
import { createHandlers } from './service/handlers.js';
import { Jukebox } from './service/jukebox.js';

export interface CoreHandle {
  url: string;
  port: number;
  jukebox: Jukebox;
  log: Logger;
  /** Resolves when the start-up import and loudness pass have finished. */
  ready: Promise<void>;
  /** Stops playback, the server and background work; closes the database. */
  close(): Promise<void>;
}

/** Builds the driver for one configured acceptor (ccTalk or eSSP over its serial path). */
export type MoneyDeviceFactory = (config: MoneyDeviceConfig, log: Logger) => MoneyDevice;

export interface StartCoreOptions {
  log?: Logger;
  /** Driver factory for `money.devices`; tests inject in-memory devices here. */
  createMoneyDevice?: MoneyDeviceFactory;
}

/**
 * Starts the box runtime: database (migrated), library, queue, play log, credit ledger and
 * acceptors, audio sink and player, the local HTTP/WebSocket server, and the background
 * import of configured folders.
 */
export async function startCore(
  config: KioskConfig,
  opts: StartCoreOptions = {},
): Promise<CoreHandle> {
  const log = opts.log ?? createLogger(config.log.level, config.box.id);
  const tools = config.tools;
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(path.join(config.dataDir, 'box.sqlite'));
  const library = new Library(db, { dataDir: config.dataDir, tools, log });
  const plays = new PlayLog(db);
  const queue = new QueueStore(db, { maxEntries: config.queue.maxEntries });
  // A crash or power cut can leave a play 'started': it becomes 'aborted', never lost.
  plays.recover();
  queue.recover();

  const sink = await createAudioSink(config.audio.sink, { tools, log });
  log.info({ sink: sink.description }, 'audio sink open');
  const player: Player = new Player({
    sink,
    tools,
    log,
    // Called only after start(), by which time `jukebox` below exists.
    nextItem: (): PlayItem | null => jukebox.nextItem(),
    limiterCeilingDb: config.audio.limiterCeilingDb,
    volume: config.audio.volume,
  });
  const ledger = new CreditLedger(db, config.money);
  // Drivers are chosen by configuration (firmware-hal); tests may inject doubles.
  const createMoneyDevice: MoneyDeviceFactory =
    opts.createMoneyDevice ??
    ((cfg, deviceLog) =>
      createSerialMoneyDevice(cfg, {
        currency: config.money.currency,
        log: (line) => deviceLog.info(line),
      }));
  const money = new MoneyService({
    db,
    ledger,
    pricing: config.money,
    log,
    devices: config.money.devices.map((cfg) => ({
      config: cfg,
      device: createMoneyDevice(cfg, log.child({ device: cfg.id })),
    })),
  });
  const paid = new PaidQueue(db, queue, ledger, config.money, log);
  const outbox = new TelemetryOutbox(db);
  // Fleet tracks are stored encrypted and decoded from a loopback URL (see its comment).
  const plaintext = new PlaintextServer();
  await plaintext.start();
  // The fleet link runs only with a configured server; a box without one plays on its own.
  const fleetServer = config.fleet.server;
  const agent: SyncAgent | null =
    fleetServer === undefined
      ? null
      : new SyncAgent({
          config: { ...config.fleet, server: fleetServer },
          box: config.box,
          dataDir: config.dataDir,
          db,
          library,
          outbox,
          softwareVersion: VERSION,
          log: log.child({ part: 'fleet' }),
          changed: () => jukebox.publishState(),
        });
  const content = new ContentKeys(config.dataDir, plaintext);
  const jukebox: Jukebox = new Jukebox(
    config,
    library,
    queue,
    plays,
    player,
    log,
    { ledger, paid, service: money },
    {
      outbox,
      songRequests: new SongRequests(db),
      content,
      ...(agent ? { fleet: () => agent.status() } : {}),
    },
  );
  // A retail terminal burns discs; the burners are chosen by configuration (firmware-hal).
  const retail =
    config.mode !== 'retail'
      ? null
      : new RetailService({
          db,
          config,
          ledger,
          outbox,
          library,
          content,
          tools,
          burners: config.retail.burners.map((b) =>
            createBurner(b, { dataDir: config.dataDir, logger: burnerLog(log, b.id) }),
          ),
          buildImage: (request) => assembleCdImage({ ...request, ffmpeg: tools.ffmpeg }),
          print: discPrinter(config, log),
          // Held for the burn only: the operator's own pause is kept apart (see SyncAgent).
          downloads: agent && {
            pause: (reason) => agent.pauseDownloads(reason, 'cd-burn'),
            resume: () => agent.resumeDownloads('cd-burn'),
          },
          log: log.child({ part: 'retail' }),
          changed: () => jukebox.publishState(),
          notify: (level, message) => jukebox.notice(level, message),
        });
  jukebox.retail = retail;
  const handlers = createHandlers(jukebox);
  const operator = new OperatorService(
    ledger,
    log.child({ part: 'operator' }),
    () => jukebox.publishState(),
    agent,
    retail?.vouchers ?? null,
  );
  const server = await createHttpServer({
    jukebox,
    handlers,
    log,
    operator: { service: operator, token: loadOrCreateOperatorToken(config.dataDir) },
    uiDir: config.ui.dir ?? null,
    listenHost: config.http.host,
  });
  await server.listen({ host: config.http.host, port: config.http.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host}:${port}`;
  writeCoreUrl(config.dataDir, url);
  player.start();
  // Each open is bounded by its driver's timeouts; a unit that fails is retried in the
  // background, so an unplugged acceptor never keeps the box from playing.
  await money.start();
  agent?.start();
  retail?.start();

  const abort = new AbortController();
  const loudness = new LoudnessJob(db, {
    tools,
    log,
    targetLufs: config.audio.targetLufs,
    workers: config.library.loudnessWorkers,
  });
  const ready = (async () => {
    for (const dir of config.library.importDirs) {
      if (abort.signal.aborted) return;
      let lastPublish = 0;
      // The library logs the import (a summary, and each skipped file with its reason).
      await library.importFolder(dir, {
        signal: abort.signal,
        // The UI's track count and genres follow a long first import about once a second.
        onProgress: () => {
          const now = Date.now();
          if (now - lastPublish < 1000) return;
          lastPublish = now;
          jukebox.publishState();
        },
      });
      if (!abort.signal.aborted) jukebox.publishState();
    }
    await loudness.run({ signal: abort.signal });
    if (!abort.signal.aborted) jukebox.publishState();
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) log.error({ err }, 'background library work failed');
  });

  return {
    url,
    port,
    jukebox,
    log,
    ready,
    async close() {
      abort.abort();
      // Inhibit money first: no coin may be taken while the rest shuts down.
      await money.close();
      await retail?.close();
      await agent?.close();
      await plaintext.close();
      await server.close();
      await player.stop();
      await ready;
      jukebox.close();
      db.close();
    },
  };
}

/** The burner drivers' log lines, into the core's log under the burner's id. */
function burnerLog(log: Logger, id: string) {
  const child = log.child({ burner: id });
  return { info: (msg: string) => child.info(msg), warn: (msg: string) => child.warn(msg) };
}

/**
 * Prints a made disc's insert and label (saved as PDF, sent to CUPS when a printer is
 * configured). The QR code points at the fleet server's public tracking page when the box has
 * a fleet link, else it holds the tracking number.
 */
function discPrinter(config: KioskConfig, log: Logger): PrintDisc {
  const service = new PrintService({
    config: config.retail.print,
    dataDir: config.dataDir,
    log: log.child({ part: 'print' }),
  });
  const server = config.fleet.server?.replace(/\/$/, '');
  return async (disc) => {
    const r = await service.printDisc({
      ...disc,
      ...(server === undefined ? {} : { trackingUrl: `${server}/orders/${disc.trackingNumber}` }),
    });
    return {
      printed: r.printed,
      detail: r.printed ? `sent to the printer (${r.jobs.join(', ')})` : `saved ${r.insertPdf}`,
    };
  };
}
