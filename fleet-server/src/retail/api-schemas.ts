import { z } from 'zod';
import {
  burnEventKind,
  fleetBoxId,
  isoTime,
  nonNegativeSafeInt,
  orderStatus,
  trackingNumber,
} from '@jukebox/protocol';

/*
 * Request and response schemas of the retail order endpoints: the public tracking page's JSON
 * and the staff views. Like box-link/api-schemas.ts they move to @jukebox/protocol once a
 * console or the terminal uses them.
 */

/**
 * A tracking number as a person typed it: lower case, without dashes, O for 0 are all fine
 * (normaliseTrackingNumber), so the path takes any short text and the handler checks it.
 */
export const trackingNumberParams = z.strictObject({
  trackingNumber: z.string().min(1).max(64),
});

/** The steps of the public timeline: the order being placed, then the job's events. */
export const publicTimelineKind = z.enum(['placed', ...burnEventKind.options]);

export const publicOrderEvent = z.object({
  at: isoTime,
  kind: publicTimelineKind,
  /** The step in words, for the customer. */
  label: z.string(),
});
export type PublicOrderEvent = z.infer<typeof publicOrderEvent>;

/**
 * What anyone holding the tracking number may see. Never the customer's name or email, the
 * box id, the drives or any internal id: only the shop's name and the disc.
 */
export const publicOrder = z.object({
  trackingNumber,
  /** The shop (the terminal's name). */
  shop: z.string(),
  title: z.string(),
  trackCount: z.number().int().positive(),
  durationMs: nonNegativeSafeInt,
  status: orderStatus,
  /** The status in words, for the customer. */
  statusText: z.string(),
  placedAt: isoTime,
  updatedAt: isoTime,
  /** Oldest first. */
  events: z.array(publicOrderEvent),
});
export type PublicOrder = z.infer<typeof publicOrder>;

export const retailOrderListQuery = z.strictObject({
  boxId: fleetBoxId.optional(),
  status: orderStatus.optional(),
  /** Orders listed below this (the `nextBefore` of the previous page). */
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type RetailOrderListQuery = z.infer<typeof retailOrderListQuery>;

export const retailOrderSummary = z.object({
  trackingNumber,
  boxId: fleetBoxId,
  boxName: z.string(),
  title: z.string(),
  trackCount: z.number().int(),
  durationMs: nonNegativeSafeInt,
  /** Credits paid (usually minor units of `currency`). */
  price: z.number().int(),
  currency: z.string(),
  /** Part of `price` paid from a voucher. */
  voucherCredits: z.number().int(),
  status: orderStatus,
  statusAt: isoTime,
  placedAt: isoTime,
  updatedAt: isoTime,
  /** The attempt under way (2 after one retry). */
  attempt: z.number().int(),
  failedAttempts: z.number().int(),
});
export type RetailOrderSummary = z.infer<typeof retailOrderSummary>;

export const retailOrderList = z.object({
  /** Newest first. */
  orders: z.array(retailOrderSummary),
  /** Pass as `before` for the next page; null on the last. */
  nextBefore: z.number().int().positive().nullable(),
});
export type RetailOrderList = z.infer<typeof retailOrderList>;

export const retailOrderDetail = retailOrderSummary.extend({
  /** The customer's contact as given at the terminal (for receipts and questions). */
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  /** The current attempt failed; a retry or a refund has not come yet. */
  awaitingRetry: z.boolean(),
  assembledAt: isoTime.nullable(),
  burnStartedAt: isoTime.nullable(),
  burnFinishedAt: isoTime.nullable(),
  doneAt: isoTime.nullable(),
  refundedAt: isoTime.nullable(),
  tracks: z.array(
    z.object({
      position: z.number().int().positive(),
      localTrackId: z.number().int(),
      catalogId: z.string().nullable(),
      isrc: z.string().nullable(),
      title: z.string(),
      artist: z.string(),
      durationMs: nonNegativeSafeInt,
    }),
  ),
  /** Every burn event, in the box's order. */
  events: z.array(
    z.object({
      seq: z.number().int().positive(),
      at: isoTime,
      kind: burnEventKind,
      attempt: z.number().int(),
      burnerId: z.string().nullable(),
      detail: z.string().nullable(),
    }),
  ),
  recordings: z.array(
    z.object({
      recordingNumber: z.number().int(),
      recordingId: z.string(),
      burnerId: z.string(),
      mediaSerial: z.string().nullable(),
      startedAt: isoTime,
      finishedAt: isoTime,
    }),
  ),
});
export type RetailOrderDetail = z.infer<typeof retailOrderDetail>;
