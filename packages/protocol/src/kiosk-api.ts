import { z } from 'zod';
import {
  albumSummary,
  artistSummary,
  categorySummary,
  letterCount,
  page,
  trackSummary,
} from './library.js';
import type { ApiResult } from './result.js';
import { discQuote, discTitle, orderView } from './retail.js';
import { kioskState, queueEntry } from './state.js';

const id = z.number().int().positive();
const offset = z.number().int().nonnegative().default(0);
const limit = z.number().int().min(1).max(500).default(60);
const letter = z
  .string()
  .regex(/^[A-Z#]$/, 'letter is A-Z or #')
  .optional();
/** A client-chosen id making a request idempotent: 8-64 URL-safe characters. */
const requestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'requestId is 8-64 of A-Z a-z 0-9 _ -');

/**
 * One slide of the attract slideshow, a stored cover image: `fleet` for an attract graphic the
 * fleet server pushed (shown whole), `album` for the cover of an album on the box.
 */
export const attractSlide = z.object({
  coverId: z.string(),
  kind: z.enum(['fleet', 'album']),
});
export type AttractSlide = z.infer<typeof attractSlide>;

/**
 * The kiosk API: every call the touch UI can make on the core. One schema per method for its
 * params and its result; both transports (Electron IPC, browser WebSocket) parse with these.
 */
export const kioskMethods = {
  getState: { params: z.object({}), result: kioskState },
  getCategories: { params: z.object({}), result: z.array(categorySummary) },
  getLetters: {
    params: z.object({ by: z.enum(['artist', 'title']) }),
    result: z.array(letterCount),
  },
  listTracks: {
    params: z.object({
      categoryId: id.optional(),
      letter,
      sort: z.enum(['title', 'artist']).default('title'),
      offset,
      limit,
    }),
    result: page(trackSummary),
  },
  listArtists: {
    params: z.object({ letter, offset, limit }),
    result: page(artistSummary),
  },
  getArtist: {
    params: z.object({ id }),
    result: z.object({
      artist: artistSummary,
      albums: z.array(albumSummary),
      tracks: z.array(trackSummary),
    }),
  },
  getAlbum: {
    params: z.object({ id }),
    result: z.object({ album: albumSummary, tracks: z.array(trackSummary) }),
  },
  search: {
    params: z.object({
      query: z.string().max(200),
      limit: z.number().int().min(1).max(100).default(30),
    }),
    result: z.object({
      tracks: z.array(trackSummary),
      artists: z.array(artistSummary),
      albums: z.array(albumSummary),
    }),
  },
  /**
   * The attract-mode slideshow: up to `limit` slides, the fleet's attract slides first in the
   * order of the installed manifest, then album covers in random order; the UI decides how
   * often each is shown. It replaced `getAttractCovers` (album cover ids only): the kiosk app
   * bundles the core it talks to, so no caller of the old name is left.
   */
  getAttractSlides: {
    params: z.object({ limit: z.number().int().min(1).max(200).default(40) }),
    result: z.array(attractSlide),
  },
  enqueue: {
    /**
     * Buys a song: the song price, or with `playNext` the premium price and the head of the
     * queue. Refused with `insufficient_credits` (nothing spent) when the credits fall short.
     */
    params: z.object({
      trackId: id,
      playNext: z.boolean().default(false),
      /**
       * The client's id for this pick. A retry with the same id (the answer was lost with the
       * connection) returns the entry already bought instead of charging again.
       */
      requestId: requestId.optional(),
    }),
    result: queueEntry,
  },
  requestSong: {
    /**
     * A patron asks for a song the box does not have (typed on the on-screen keyboard). It goes
     * up to the fleet server with the box's telemetry; the same words again within ten minutes
     * count once (`repeated`).
     */
    params: z.object({ text: z.string().trim().min(1).max(200) }),
    result: z.object({ id: id, repeated: z.boolean() }),
  },
  /**
   * Retail: what a disc of these tracks (in order) costs and whether it fits. Problems are
   * listed, not thrown, so the UI can show every one of them.
   */
  quoteDisc: {
    params: z.object({ trackIds: z.array(id).max(500) }),
    result: discQuote,
  },
  /**
   * Retail: orders a disc and pays for it from the credits (coins, notes and redeemed
   * vouchers). Refused with `insufficient_credits` (nothing spent) when the credits fall short,
   * and with `bad_request` naming the problem when the disc breaks a limit (99 tracks, the
   * media's capacity, 4 s per track). A retry with the same `requestId` returns the same order.
   */
  placeOrder: {
    params: z.object({
      requestId,
      title: discTitle,
      trackIds: z.array(id).min(1).max(500),
      customer: z
        .object({
          name: z.string().trim().min(1).max(100).optional(),
          email: z.email().max(200).optional(),
        })
        .optional(),
    }),
    result: orderView,
  },
  /** Retail: turns a staff-issued voucher code into credits (once). */
  redeemVoucher: {
    params: z.object({ code: z.string().trim().min(4).max(32) }),
    result: z.object({ credits: z.number().int().positive(), balance: z.number().int() }),
  },
  /** Retail: one order of this terminal by its tracking number. */
  getOrder: {
    params: z.object({ trackingNumber: z.string().trim().min(1).max(32) }),
    result: orderView,
  },
  setVolume: {
    params: z.object({ volume: z.number().int().min(0).max(100) }),
    result: z.object({ volume: z.number().int() }),
  },
} as const;

export type KioskMethods = typeof kioskMethods;
export type KioskMethod = keyof KioskMethods;
export const kioskMethodNames = Object.keys(kioskMethods) as KioskMethod[];

/** What a caller passes (defaults may be omitted). */
export type KioskParams<M extends KioskMethod> = z.input<KioskMethods[M]['params']>;
/** What a handler receives after parsing (defaults filled in). */
export type KioskParsedParams<M extends KioskMethod> = z.output<KioskMethods[M]['params']>;
export type KioskResult<M extends KioskMethod> = z.output<KioskMethods[M]['result']>;

/** Feedback on one coin or note, for the UI to show at once (credits follow in `state`). */
/** Which kind of acceptor took or returned the money: coins (ccTalk) or notes (eSSP). */
const acceptor = z.enum(['coin', 'note']);

export const moneyFeedback = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('accepted'),
    acceptor,
    valueCents: z.number().int().positive(),
    /** Credits this coin or note earned, bonus included. */
    credits: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('rejected'),
    acceptor,
    /** The device's reason: 'rejected', 'inhibited', 'unknown-denomination', 'fraud', ... */
    reason: z.string(),
  }),
]);
export type MoneyFeedback = z.infer<typeof moneyFeedback>;

/** Events the core pushes to every connected UI. */
export const kioskEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), state: kioskState }),
  z.object({
    type: z.literal('position'),
    entryId: z.number().int(),
    positionMs: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal('notice'),
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
  }),
  z.object({ type: z.literal('money'), money: moneyFeedback }),
]);
export type KioskEvent = z.infer<typeof kioskEvent>;

/**
 * The typed API object the renderer sees. The Electron preload and the browser WebSocket client
 * both implement it; the renderer never knows which one it has.
 */
export type KioskApi = {
  [M in KioskMethod]: (params: KioskParams<M>) => Promise<ApiResult<KioskResult<M>>>;
} & {
  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: KioskEvent) => void): () => void;
  /** URL of a cover image by id, in whatever scheme this shell serves covers under. */
  coverUrl(coverId: string): string;
  /** URL of a track's low-quality browsing preview (retail mode), an audio stream. */
  previewUrl(trackId: number): string;
};

/** Messages on the browser shell's WebSocket (`/api/v1/ws`). */
export const wsClientMessage = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown(),
});
export type WsClientMessage = z.infer<typeof wsClientMessage>;

export const wsServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('response'),
    id: z.number().int().nonnegative(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({
        ok: z.literal(false),
        error: z.object({
          code: z.string(),
          message: z.string(),
          missingCredits: z.number().int().positive().optional(),
        }),
      }),
    ]),
  }),
  z.object({ type: z.literal('event'), event: kioskEvent }),
]);
export type WsServerMessage = z.infer<typeof wsServerMessage>;

export function isKioskMethod(name: string): name is KioskMethod {
  return Object.hasOwn(kioskMethods, name);
}
