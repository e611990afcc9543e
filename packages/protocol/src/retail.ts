import { z } from 'zod';
import { nonNegativeSafeInt, positiveSafeInt, shortText, trackId } from './fleet/common.js';
import { normalisedIsrc } from './fleet/manifest.js';

/*
 * The retail CD terminal: Red Book limits, tracking numbers, the terminal's configuration
 * section, and what the touch UI and the status page see of orders, jobs and burners.
 * Facts: ../shared/REFERENCE.md ("Audio CD (Red Book)").
 */

/** Red Book figures every part of the terminal (UI, core, image builder) counts with. */
export const RED_BOOK = {
  sampleRate: 44_100,
  channels: 2,
  bytesPerSample: 2,
  /** One sector: 2352 bytes = 588 stereo frames = 1/75 s. */
  sectorBytes: 2352,
  framesPerSector: 588,
  sectorsPerSecond: 75,
  /** The 2-second pregap before track 1. */
  pregapSectors: 150,
  /** 4 seconds: the shortest track a disc may hold. */
  minTrackSectors: 300,
  maxTracks: 99,
} as const;

/** Blank media a terminal is loaded with; capacity in sectors, pregap included. */
export const discMedia = z.enum(['74', '80']);
export type DiscMedia = z.infer<typeof discMedia>;
export const MEDIA_SECTORS: Record<DiscMedia, number> = { '74': 333_000, '80': 360_000 };

/** Sectors a track of `durationMs` fills once padded to whole sectors. */
export function sectorsForMs(durationMs: number): number {
  return Math.ceil((durationMs * RED_BOOK.sectorsPerSecond) / 1000);
}

/** Sectors a track of `frames` stereo sample frames fills once padded to whole sectors. */
export function sectorsForFrames(frames: number): number {
  return Math.ceil(frames / RED_BOOK.framesPerSector);
}

/**
 * Tracking number of an order: three groups of four Crockford base-32 characters
 * (no I, L, O, U), e.g. `7K3M-9QXP-2D4F`. Typed by people, read on a phone, printed as a QR
 * code; 60 random bits, so it cannot be guessed from another.
 */
export const TRACKING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const trackingNumber = z
  .string()
  .regex(
    /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
    'a tracking number is three groups of four characters, e.g. 7K3M-9QXP-2D4F',
  );
export type TrackingNumber = z.infer<typeof trackingNumber>;

/**
 * What a person typed as a Crockford code (tracking numbers, vouchers): upper case, without
 * spaces or dashes, O read as 0 and I/L as 1.
 */
export function foldCrockford(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** Turns what a person typed (lower case, spaces, O for 0, I/L for 1) into a tracking number. */
export function normaliseTrackingNumber(text: string): string {
  const chars = foldCrockford(text);
  if (chars.length !== 12) return text.trim().toUpperCase();
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/** A disc title as it goes into CD-TEXT: printable, one line. */
export const discTitle = shortText(80);

/** True when the 13th digit of an EAN-13 (a UPC with a leading 0) is its check digit. */
function ean13CheckDigit(code: string): boolean {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(code[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(code[12]);
}

/**
 * Media catalog number (UPC/EAN) a disc may carry: 13 digits with a valid check digit, so a
 * mistyped number is refused when the configuration is read, not at the first burn.
 */
export const mediaCatalogNumber = z
  .string()
  .regex(/^[0-9]{13}$/, 'an MCN is 13 digits')
  .refine(ean13CheckDigit, 'the MCN (EAN-13) check digit is wrong: a digit is mistyped');

/**
 * Price of a disc, in credits. A retail terminal's money table usually makes one credit one
 * minor unit of the currency (one cent), so these read as money: 899 = $8.99 for the first
 * `baseTracks` songs, then `perTrackPrice` each.
 */
export const discPricing = z
  .strictObject({
    basePrice: z.number().int().positive().default(899),
    baseTracks: z.number().int().min(1).max(99).default(7),
    perTrackPrice: z.number().int().nonnegative().default(100),
  })
  .prefault({});
export type DiscPricing = z.infer<typeof discPricing>;

/** The price of a disc of `tracks` songs under `pricing`. */
export function discPrice(pricing: DiscPricing, tracks: number): number {
  if (tracks <= 0) return 0;
  return pricing.basePrice + Math.max(0, tracks - pricing.baseTracks) * pricing.perTrackPrice;
}

const burnerId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a burner id is lower-case letters, digits, - and _');

/**
 * One CD drive of the terminal. `cdrdao` drives a real burner; `image` writes the TOC and WAV
 * files to a folder (demo, tests, "download image"). Chosen by configuration only.
 */
export const burnerConfig = z.discriminatedUnion('driver', [
  z.strictObject({
    id: burnerId,
    driver: z.literal('image'),
    /** Where finished images go (one folder per recording); default `<dataDir>/images`. */
    dir: z.string().optional(),
    /** Check each image with `cdrdao toc-size` and `read-test` after writing it. */
    verify: z.boolean().default(true),
  }),
  z.strictObject({
    id: burnerId,
    driver: z.literal('cdrdao'),
    /** The drive, e.g. /dev/sr0 (see `cdrdao scanbus`). */
    device: z.string().min(1),
    /** The cdrdao executable. */
    executable: z.string().min(1).default('cdrdao'),
    /** Write speed; none = the drive's best. */
    speed: z.number().int().min(1).max(64).optional(),
    /** Laser off: the whole write runs without burning (service checks). */
    simulate: z.boolean().default(false),
    /** cdrdao driver name when auto-detection picks the wrong one, e.g. `generic-mmc-raw`. */
    cdrdaoDriver: z.string().min(1).optional(),
  }),
]);
export type BurnerConfig = z.infer<typeof burnerConfig>;

/** Where inserts and labels go: a CUPS queue through `lp`, or only saved as PDF files. */
export const printConfig = z
  .strictObject({
    /** CUPS queue for `lp -d`; none = save the PDFs only. */
    printer: z.string().min(1).optional(),
    /** A second queue for disc labels (label printers); none = `printer`. */
    labelPrinter: z.string().min(1).optional(),
    /** The `lp` executable. */
    lp: z.string().min(1).default('lp'),
    /** Where PDFs are kept; default `<dataDir>/print`. */
    dir: z.string().optional(),
    /** Paper of the insert page. */
    paper: z.enum(['A4', 'LETTER']).default('A4'),
  })
  .prefault({});
export type PrintConfig = z.infer<typeof printConfig>;

/** The retail terminal's section of the configuration; read in `mode: "retail"`. */
export const retailConfig = z
  .strictObject({
    media: discMedia.default('80'),
    pricing: discPricing,
    burners: z
      .array(burnerConfig)
      .min(1)
      .refine((bs) => new Set(bs.map((b) => b.id)).size === bs.length, {
        message: 'each burner id may appear only once',
      })
      .default([{ id: 'image-1', driver: 'image', verify: true }]),
    /** Attempts of one disc, each on another drive where there is one, before a refund. */
    maxAttempts: z.number().int().min(1).max(5).default(2),
    /** Disc performer in CD-TEXT. */
    performer: z.string().min(1).max(80).default('Various Artists'),
    /** Media catalog number written on every disc (optional). */
    mcn: mediaCatalogNumber.optional(),
    /** Length of a browsing preview. */
    previewSeconds: z.number().int().min(5).max(90).default(30),
    print: printConfig,
  })
  .prefault({});
export type RetailConfig = z.infer<typeof retailConfig>;

/** Where an order stands. `refunded`: no disc could be made; the price went back as credit. */
export const orderStatus = z.enum([
  'queued',
  'assembling',
  'burning',
  'verifying',
  'done',
  'refunded',
]);
export type OrderStatus = z.infer<typeof orderStatus>;

/** The events of a burn job, recorded with their time on the box and sent up to the fleet. */
export const burnEventKind = z.enum([
  'queued',
  'image-assembled',
  'burner-chosen',
  'downloads-paused',
  'burn-started',
  'burn-finished',
  'verified',
  'failed',
  'retry',
  'refunded',
  'downloads-resumed',
  'printed',
  'print-failed',
  /** The order is complete: disc made (verified where the burner can), insert printed. */
  'completed',
]);
export type BurnEventKind = z.infer<typeof burnEventKind>;

/** Why a quoted or ordered disc cannot be made; the UI shows `message`. */
export const discProblem = z.object({
  code: z.enum(['empty', 'too-many-tracks', 'over-capacity', 'track-too-short', 'unknown-track']),
  message: z.string(),
  trackId: z.number().int().positive().optional(),
});
export type DiscProblem = z.infer<typeof discProblem>;

export const discQuote = z.object({
  trackCount: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
  /** Sectors the tracks and the pregap fill. */
  sectors: z.number().int().nonnegative(),
  capacitySectors: z.number().int().positive(),
  price: z.number().int().nonnegative(),
  problems: z.array(discProblem),
});
export type DiscQuote = z.infer<typeof discQuote>;

/** One event of an order's job as the box and the tracking page show it. */
export const orderEventView = z.object({
  at: z.string(),
  kind: burnEventKind,
  burnerId: z.string().nullable(),
  detail: z.string().nullable(),
});
export type OrderEventView = z.infer<typeof orderEventView>;

/** An order as the terminal's UI shows it (the customer's name and email are not included). */
export const orderView = z.object({
  trackingNumber,
  title: z.string(),
  trackCount: z.number().int().positive(),
  durationMs: z.number().int().nonnegative(),
  price: z.number().int().nonnegative(),
  status: orderStatus,
  /** Burn progress 0-1 while burning, else null. */
  progress: z.number().min(0).max(1).nullable(),
  /** A line for the customer: "Burning on drive 2", "Refunded: the drive failed". */
  message: z.string().nullable(),
  placedAt: z.string(),
  events: z.array(orderEventView),
});
export type OrderView = z.infer<typeof orderView>;

export const burnerView = z.object({
  id: z.string(),
  driver: z.enum(['image', 'cdrdao']),
  state: z.enum(['idle', 'working', 'offline']),
  /** The order on it, while working. */
  trackingNumber: trackingNumber.nullable(),
  progress: z.number().min(0).max(1).nullable(),
  detail: z.string().nullable(),
});
export type BurnerView = z.infer<typeof burnerView>;

/** The retail part of the kiosk state; null on a jukebox. */
export const retailState = z.object({
  media: discMedia,
  capacitySectors: z.number().int().positive(),
  pricing: z.object({
    basePrice: z.number().int(),
    baseTracks: z.number().int(),
    perTrackPrice: z.number().int(),
  }),
  limits: z.object({ maxTracks: z.number().int(), minTrackMs: z.number().int() }),
  burners: z.array(burnerView),
  /**
   * The public tracking page's address without the number (`https://fleet.example/orders/`),
   * when the terminal has a fleet link; null otherwise.
   */
  trackingPage: z.string().nullable(),
  /** This terminal's recent orders, newest first (a few). */
  orders: z.array(orderView),
});
export type RetailState = z.infer<typeof retailState>;

/** A track of an order as it travels to the fleet (telemetry `order`). */
export const orderTrackData = z.strictObject({
  localTrackId: positiveSafeInt,
  catalogId: trackId.optional(),
  isrc: normalisedIsrc.optional(),
  title: shortText(300),
  artist: shortText(300),
  durationMs: nonNegativeSafeInt,
});
export type OrderTrackData = z.infer<typeof orderTrackData>;
