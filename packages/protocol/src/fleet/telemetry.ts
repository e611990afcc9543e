import { z } from 'zod';
import {
  shortText,
  nonNegativeSafeInt,
  positiveSafeInt,
  softwareVersion,
  trackId,
  wireTime,
} from './common.js';
import { burnEventKind, discTitle, orderTrackData, trackingNumber } from '../retail.js';

/*
 * Telemetry: events a box records durably and uploads until the server acknowledges them.
 * Each record has a per-box sequence number; uploads are idempotent on (box, seq), so a
 * record sent twice (WebSocket, HTTP or USB bundle) is stored once.
 */

/** Most records in one batch; a box with a backlog sends several batches. */
export const MAX_TELEMETRY_BATCH = 500;

/** Credits in one event; far beyond any real coin or note. */
const credits = z.number().int().min(-1_000_000).max(1_000_000);

/**
 * A play that ended (completed, or aborted by a failure or a restart). A box reports a play
 * once, when it ended: its outbox row is written by the same transaction that ends the play.
 */
export const playData = z.strictObject({
  /** The box's own play event number (its play log's seq). */
  playSeq: positiveSafeInt,
  /** The catalog track, for content the fleet delivered; absent for locally imported music. */
  catalogId: trackId.optional(),
  /** The track's id in the box's library. */
  localTrackId: positiveSafeInt,
  isrc: z
    .string()
    .regex(/^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$/, 'not a normalised ISRC')
    .optional(),
  title: shortText(300),
  artist: shortText(300),
  startedAt: wireTime,
  endedAt: wireTime.optional(),
  /** Played to the end (counts for royalties). */
  completed: z.boolean(),
  /** Milliseconds of audio actually played. */
  playedMs: nonNegativeSafeInt.optional(),
  /** Credits the patron paid for it (0 for free play). */
  paidCredits: credits.nonnegative(),
});
export type PlayData = z.infer<typeof playData>;

export const ledgerRecordKind = z.enum(['credit', 'spend', 'refund', 'free', 'adjust']);
export type LedgerRecordKind = z.infer<typeof ledgerRecordKind>;

/** One row of the box's append-only credit ledger, mirrored to the server. */
export const ledgerData = z.strictObject({
  /** The row's own sequence number in the box's ledger. */
  entrySeq: positiveSafeInt,
  kind: ledgerRecordKind,
  /** Signed change of credit (a spend is negative). */
  credits,
  /** Money taken, for a `credit` from a coin or note. */
  valueCents: z.number().int().nonnegative().max(100_000_000).optional(),
  denomination: shortText(32).optional(),
  reason: shortText(200).optional(),
  /** The staff member who granted a `free` credit or made an `adjust`. */
  staff: shortText(100).optional(),
  /** Part of `credits` that is a note bonus. */
  bonus: credits.nonnegative().optional(),
  /** The box's balance after this row. */
  balanceAfter: credits.nonnegative().optional(),
  /** What the row is about on the box (e.g. `queue:12` for a spend). */
  ref: shortText(100).optional(),
});
export type LedgerData = z.infer<typeof ledgerData>;

/** A patron's request for a song the box does not have. Trimmed; 1-200 characters of text. */
export const songRequestData = z.strictObject({
  /** The request's id on the box. */
  requestId: positiveSafeInt.optional(),
  text: z.string().trim().min(1).max(200),
  artist: z.string().trim().min(1).max(200).optional(),
  title: z.string().trim().min(1).max(200).optional(),
});
export type SongRequestData = z.infer<typeof songRequestData>;

export const statusData = z
  .strictObject({
    software: softwareVersion,
    diskFreeBytes: nonNegativeSafeInt,
    diskTotalBytes: nonNegativeSafeInt,
    /** Version of the manifest the box acts on; 0 before its first. */
    manifestVersion: nonNegativeSafeInt,
    lastSyncAt: wireTime.optional(),
    libraryTracks: nonNegativeSafeInt,
  })
  .refine((s) => s.diskFreeBytes <= s.diskTotalBytes, {
    path: ['diskFreeBytes'],
    message: 'diskFreeBytes exceeds diskTotalBytes',
  });
export type StatusData = z.infer<typeof statusData>;

/**
 * An order placed and paid on a retail terminal. The customer's name and email, when given,
 * go up for staff (receipts, questions); the public tracking page never shows them.
 */
export const orderData = z.strictObject({
  trackingNumber,
  title: discTitle,
  tracks: z.array(orderTrackData).min(1).max(99),
  durationMs: nonNegativeSafeInt,
  /** Credits paid (one credit is one minor unit on a usual retail money table). */
  price: credits.nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** Part of the price paid from a voucher. */
  voucherCredits: credits.nonnegative().optional(),
  customer: z
    .strictObject({
      name: shortText(100).optional(),
      email: z.email().max(200).optional(),
    })
    .optional(),
  placedAt: wireTime,
});
export type OrderData = z.infer<typeof orderData>;

/**
 * A disc made (and read back, where the drive can): the recording record of the seeds'
 * recording database.
 */
export const recordingData = z.strictObject({
  trackingNumber,
  /** The box's own number of this recording (1, 2, ...). */
  recordingNumber: positiveSafeInt,
  /** The customer-specific identifier written into the disc's CD-TEXT. */
  recordingId: shortText(64),
  burnerId: shortText(32),
  /** The medium's serial or disc id where the drive reports one. */
  mediaSerial: shortText(100).optional(),
  startedAt: wireTime,
  finishedAt: wireTime,
});
export type RecordingData = z.infer<typeof recordingData>;

/** One event of a burn job (the record's `at` is its time on the box). */
export const burnEventData = z.strictObject({
  trackingNumber,
  kind: burnEventKind,
  /** 1 for the first try, 2 for the retry on another drive, ... */
  attempt: positiveSafeInt,
  burnerId: shortText(32).optional(),
  detail: shortText(500).optional(),
});
export type BurnEventData = z.infer<typeof burnEventData>;

const recordBase = { seq: positiveSafeInt, at: wireTime };

export const telemetryRecord = z.discriminatedUnion('kind', [
  z.strictObject({ ...recordBase, kind: z.literal('play'), data: playData }),
  z.strictObject({ ...recordBase, kind: z.literal('ledger'), data: ledgerData }),
  z.strictObject({ ...recordBase, kind: z.literal('song-request'), data: songRequestData }),
  z.strictObject({ ...recordBase, kind: z.literal('status'), data: statusData }),
  z.strictObject({ ...recordBase, kind: z.literal('order'), data: orderData }),
  z.strictObject({ ...recordBase, kind: z.literal('recording'), data: recordingData }),
  z.strictObject({ ...recordBase, kind: z.literal('burn-event'), data: burnEventData }),
]);
export type TelemetryRecord = z.infer<typeof telemetryRecord>;
export type TelemetryKind = TelemetryRecord['kind'];

/**
 * A batch of records, as the control channel `telemetry` message and an HTTP upload carry it.
 * Sequence numbers must strictly increase within a batch (a box sends them in order), which
 * also rules out duplicates.
 */
export const telemetryBatch = z.strictObject({
  records: z
    .array(telemetryRecord)
    .min(1)
    .max(MAX_TELEMETRY_BATCH)
    .superRefine((records, ctx) => {
      for (let i = 1; i < records.length; i++) {
        const previous = records[i - 1];
        const current = records[i];
        if (previous && current && current.seq <= previous.seq) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'seq'],
            message: 'seq must increase within a batch',
          });
        }
      }
    }),
});
export type TelemetryBatch = z.infer<typeof telemetryBatch>;
