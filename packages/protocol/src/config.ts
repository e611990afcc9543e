import { z } from 'zod';
import { retailConfig } from './retail.js';

/** Where decoded PCM goes. `auto` tries ALSA, then PulseAudio, then falls back to `null`. */
export const audioSinkConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('auto') }),
  z.strictObject({ kind: z.literal('alsa'), device: z.string().default('default') }),
  z.strictObject({ kind: z.literal('pulse'), device: z.string().optional() }),
  z.strictObject({
    kind: z.literal('wav'),
    path: z.string(),
    /** 1 = real time, 0 = as fast as the decoder runs, 4 = four times real time. */
    pace: z.number().nonnegative().default(1),
  }),
  z.strictObject({ kind: z.literal('null'), pace: z.number().nonnegative().default(1) }),
]);
export type AudioSinkConfig = z.infer<typeof audioSinkConfig>;

/** The Electron shell's section of the box's configuration file. */
export const shellConfig = z
  .strictObject({
    /** Fullscreen kiosk window; turn off to develop on a desktop. */
    kiosk: z.boolean().default(true),
    /** Hide the pointer on the touch screen. */
    hideCursor: z.boolean().default(true),
    /** Allow DevTools (service only). */
    devTools: z.boolean().default(false),
  })
  .prefault({});
export type ShellConfig = z.infer<typeof shellConfig>;

/**
 * One row of the price table: what a coin or note of `valueCents` (minor units of the
 * configured currency) buys. `bonus` is extra credit on larger notes, kept apart from `credits`
 * so reports can tell paid credit from promotional credit.
 */
export const priceRule = z.strictObject({
  valueCents: z.number().int().positive(),
  credits: z.number().int().positive(),
  bonus: z.number().int().nonnegative().default(0),
});
export type PriceRule = z.infer<typeof priceRule>;

/**
 * One coin or note acceptor. `driver` picks the implementation (ccTalk coin acceptors, eSSP
 * bill validators); `options` belong to that driver and are parsed by it, so a driver can
 * grow settings without a schema change here. `id` names the acceptor in the ledger and on
 * the status page and must stay the same across restarts: the device's saved checkpoint is
 * found by it.
 */
export const moneyDeviceConfig = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a device id is lower-case letters, digits, - and _'),
  driver: z.enum(['cctalk', 'essp']),
  /** Serial port, e.g. /dev/ttyUSB0 or a socat pty. */
  path: z.string().min(1),
  options: z.record(z.string(), z.unknown()).default({}),
});
export type MoneyDeviceConfig = z.infer<typeof moneyDeviceConfig>;

/**
 * Pricing of the box. A value with no row in `table` earns nothing (the ledger refuses it),
 * so acceptors should inhibit every denomination not listed here.
 */
export const moneyConfig = z
  .strictObject({
    /** ISO 4217 code, shown on receipts and reports. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('USD'),
    /** Decimal places of the currency's minor unit: 2 for cents, 0 for yen. */
    minorUnit: z.number().int().min(0).max(3).default(2),
    table: z
      .array(priceRule)
      .min(1)
      .refine((rows) => new Set(rows.map((r) => r.valueCents)).size === rows.length, {
        message: 'each valueCents may appear only once in money.table',
      })
      .default([
        { valueCents: 25, credits: 1, bonus: 0 },
        { valueCents: 100, credits: 4, bonus: 0 },
        { valueCents: 500, credits: 20, bonus: 2 },
        { valueCents: 1000, credits: 40, bonus: 6 },
        { valueCents: 2000, credits: 80, bonus: 15 },
      ]),
    /** Credits one song costs. */
    songPrice: z.number().int().positive().default(1),
    /** Credits a "play next" pick costs (jumps the queue); must not undercut a plain song. */
    playNextPrice: z.number().int().positive().default(3),
    /**
     * Songs cost nothing. When not set: on when no money devices are configured (a box that
     * cannot take money plays for free), off otherwise. See `isFreePlay`.
     */
    freePlay: z.boolean().optional(),
    /** Coin and note acceptors; none means the box takes no money. */
    devices: z
      .array(moneyDeviceConfig)
      .refine((ds) => new Set(ds.map((d) => d.id)).size === ds.length, {
        message: 'each money device id may appear only once',
      })
      .default([]),
  })
  .refine((m) => m.playNextPrice >= m.songPrice, {
    message: 'money.playNextPrice must be at least money.songPrice',
    path: ['playNextPrice'],
  })
  .prefault({});
export type MoneyConfig = z.infer<typeof moneyConfig>;

/** Whether songs are free on this box (see `money.freePlay`). */
export function isFreePlay(money: Pick<MoneyConfig, 'freePlay' | 'devices'>): boolean {
  return money.freePlay ?? money.devices.length === 0;
}

/**
 * The box's configuration file (JSON), read by the core and by the Electron shell. Unknown
 * keys are refused, so a misspelt setting is an error that names it, not a silent default.
 * Every field has an embedded default, so an empty object is a working jukebox on
 * 127.0.0.1:8480 with its data in ./.jukebox.
 */
/**
 * The box's link to the fleet server. Without `server` the box runs alone (no sync, telemetry
 * kept in the outbox). With it, the box enrolls once with `enrollmentCode` (a one-time code
 * staff made in the console), then keeps a control channel open and syncs what it is sent.
 */
export const fleetLinkConfig = z
  .strictObject({
    /** Base URL of the fleet server, e.g. https://fleet.example.com. */
    server: z.url({ protocol: /^https?$/ }).optional(),
    /** One-time enrollment code; only read until the box is enrolled. */
    enrollmentCode: z.string().trim().min(4).max(64).optional(),
    /** Telemetry records per upload batch. */
    telemetryBatch: z.number().int().min(1).max(1000).default(500),
    /** Longest wait between reconnect attempts of the control channel. */
    maxBackoffSeconds: z.number().int().min(1).max(3600).default(60),
    /** First wait after the control channel dropped; doubled per failed attempt. */
    initialBackoffMs: z.number().int().min(50).max(60_000).default(500),
  })
  .prefault({});
export type FleetLinkConfig = z.infer<typeof fleetLinkConfig>;

export const kioskConfig = z.strictObject({
  box: z
    .strictObject({
      id: z.string().min(1).max(64).default('demo-box'),
      name: z.string().min(1).max(100).default('Demo Jukebox'),
    })
    .prefault({}),
  mode: z.enum(['jukebox', 'retail']).default('jukebox'),
  dataDir: z.string().default('.jukebox'),
  library: z
    .strictObject({
      /** Folders imported at start (and on request). */
      importDirs: z.array(z.string()).default([]),
      /** Parallel loudness measurements (0 = one per core). */
      loudnessWorkers: z.number().int().nonnegative().default(0),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8480),
    })
    .prefault({}),
  ui: z
    .strictObject({
      /** Built renderer to serve in the browser shell (apps/kiosk/dist/renderer); none = a notice page. */
      dir: z.string().optional(),
      attractAfterSeconds: z.number().int().positive().default(60),
    })
    .prefault({}),
  audio: z
    .strictObject({
      sink: audioSinkConfig.default({ kind: 'auto' }),
      volume: z.number().int().min(0).max(100).default(80),
      targetLufs: z.number().min(-40).max(0).default(-18),
      /** Limiter ceiling in dBFS applied after the track gain. */
      limiterCeilingDb: z.number().min(-12).max(0).default(-1),
    })
    .prefault({}),
  queue: z.strictObject({ maxEntries: z.number().int().positive().default(100) }).prefault({}),
  tools: z
    .strictObject({
      ffmpeg: z.string().default('ffmpeg'),
      ffprobe: z.string().default('ffprobe'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    })
    .prefault({}),
  /** Settings of the Electron shell (the browser shell has none). */
  shell: shellConfig,
  /** Pricing: credits per coin or note, song and "play next" prices. */
  money: moneyConfig,
  /** The link to the fleet server: content down, telemetry up. Off without `server`. */
  fleet: fleetLinkConfig,
  /** The retail CD terminal (`mode: "retail"`): media, disc prices, burners, printing. */
  retail: retailConfig,
});
export type KioskConfig = z.infer<typeof kioskConfig>;
export type KioskConfigInput = z.input<typeof kioskConfig>;
