import { z } from 'zod';
import { trackSummary } from './library.js';
import { burnerView, orderStatus, retailState } from './retail.js';

export const queueEntry = z.object({
  /** Stable id of this queue entry (a song may be queued twice). */
  entryId: z.number().int().positive(),
  track: trackSummary,
  requestedAt: z.string(),
  /** Paid at the "play next" price: it went to the head of the queue. */
  playNext: z.boolean(),
});
export type QueueEntry = z.infer<typeof queueEntry>;

export const nowPlaying = z.object({
  entryId: z.number().int().positive(),
  /** Per-box play event sequence number of this play. */
  playSeq: z.number().int().positive(),
  track: trackSummary,
  positionMs: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
  startedAt: z.string(),
});
export type NowPlaying = z.infer<typeof nowPlaying>;

export const playerStatus = z.enum(['idle', 'playing', 'stopped', 'error']);

/** Prices the UI shows, in credits; `currency` and `minorUnit` format money values. */
export const pricingState = z.object({
  /** Songs cost nothing (no money devices, or configured so). */
  freePlay: z.boolean(),
  songPrice: z.number().int().positive(),
  playNextPrice: z.number().int().positive(),
  currency: z.string(),
  minorUnit: z.number().int().nonnegative(),
});
export type PricingState = z.infer<typeof pricingState>;

/** Health of one kind of acceptor: `absent` when none is configured. */
export const acceptorHealth = z.enum(['ok', 'faulty', 'absent']);
export type AcceptorHealth = z.infer<typeof acceptorHealth>;

/**
 * What the patron can pay with. `message` is the line the UI shows when money intake is
 * limited ("Bills only", "Coins only", "Out of order"), null when all is well.
 */
export const moneyState = z.object({
  coins: acceptorHealth,
  notes: acceptorHealth,
  message: z.string().nullable(),
});
export type MoneyState = z.infer<typeof moneyState>;

/** Everything the touch UI shows that changes without the patron asking. */
export const kioskState = z.object({
  box: z.object({ id: z.string(), name: z.string() }),
  mode: z.enum(['jukebox', 'retail']),
  credits: z.number().int().nonnegative(),
  pricing: pricingState,
  money: moneyState,
  volume: z.number().int().min(0).max(100),
  player: playerStatus,
  queue: z.array(queueEntry),
  nowPlaying: nowPlaying.nullable(),
  /** Seconds of no touch before the UI returns to attract mode. */
  attractAfterSeconds: z.number().int().positive(),
  library: z.object({ tracks: z.number().int().nonnegative() }),
  /** Disc limits, prices, burners and recent orders on a retail terminal; null on a jukebox. */
  retail: retailState.nullable(),
});
export type KioskState = z.infer<typeof kioskState>;

/** One acceptor as the status page shows it. */
export const moneyDeviceStatus = z.object({
  /** Configured id (`money.devices[].id`). */
  id: z.string(),
  driver: z.enum(['cctalk', 'essp']),
  /** Identity of the physical unit once opened (kind, maker, serial), else null. */
  unit: z.string().nullable(),
  state: z.enum(['opening', 'ready', 'disabled', 'busy', 'reset', 'offline', 'out-of-order']),
  /** Last fault reported, for the operator: reason and detail. */
  fault: z.string().nullable(),
  /** Master inhibit as last set by the core (true while the box cannot play). */
  inhibited: z.boolean(),
});
export type MoneyDeviceStatus = z.infer<typeof moneyDeviceStatus>;

/** Money in the cash box since the last collection, per denomination. */
export const moneyTotalsStatus = z.object({
  sinceCollection: z.string().nullable(),
  totalCents: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  byDenomination: z.array(
    z.object({
      denomination: z.string(),
      valueCents: z.number().int().positive(),
      count: z.number().int().nonnegative(),
      totalCents: z.number().int().nonnegative(),
      credits: z.number().int().nonnegative(),
    }),
  ),
});
export type MoneyTotalsStatus = z.infer<typeof moneyTotalsStatus>;

/** `GET /api/v1/status` on the core's local HTTP port. Documented in the README. */
export const statusResponse = z.object({
  box: z.object({ id: z.string(), name: z.string() }),
  version: z.string(),
  generatedAt: z.string(),
  credits: z.number().int().nonnegative(),
  volume: z.number().int().min(0).max(100),
  player: playerStatus,
  queue: z.array(queueEntry),
  nowPlaying: nowPlaying.nullable(),
  library: z.object({ tracks: z.number().int().nonnegative(), pendingLoudness: z.number().int() }),
  /** Completed plays per track, only tracks played at least once. */
  playCounts: z.array(
    z.object({
      trackId: z.number().int().positive(),
      title: z.string(),
      artist: z.string(),
      count: z.number().int().nonnegative(),
    }),
  ),
  lastPlaySeq: z.number().int().nonnegative(),
  money: z.object({
    state: moneyState,
    totals: moneyTotalsStatus,
    devices: z.array(moneyDeviceStatus),
  }),
  /** The records waiting to go up to the fleet server (plays, ledger rows, song requests). */
  telemetry: z.object({
    /** Newest record seq written. */
    lastSeq: z.number().int().nonnegative(),
    /** Highest seq the fleet server acknowledged. */
    ackedSeq: z.number().int().nonnegative(),
    /** Records kept until acknowledged. */
    pending: z.number().int().nonnegative(),
    /** Song requests patrons made on this box. */
    songRequests: z.number().int().nonnegative(),
  }),
  /** A retail terminal's orders by status and its burners; null on a jukebox. */
  retail: z
    .object({
      orders: z.record(orderStatus, z.number().int().nonnegative()),
      burners: z.array(burnerView),
    })
    .nullable(),
  /** The link to the fleet server; null when none is configured. */
  fleet: z
    .object({
      server: z.string(),
      boxId: z.string().nullable(),
      /** enrolling / refused, or the control channel's state (open, waiting, ...). */
      link: z.string(),
      detail: z.string().nullable(),
      sync: z
        .object({
          phase: z.enum(['idle', 'checking', 'downloading', 'installing', 'paused', 'failed']),
          manifestVersion: z.number().int().nonnegative(),
          targetVersion: z.number().int().nullable(),
          files: z.object({ done: z.number().int(), total: z.number().int() }),
          bytes: z.object({ done: z.number(), total: z.number() }),
          detail: z.string().nullable(),
          lastSyncAt: z.string().nullable(),
        })
        .nullable(),
    })
    .nullable(),
});
export type StatusResponse = z.infer<typeof statusResponse>;
