import { z } from 'zod';
import { moneyTotalsStatus } from './state.js';

/**
 * The box's operator API: what a route operator or venue manager does at the box itself
 * (free credits with a reason, emptying the cash box, reading the ledger). It is served by the
 * core on its loopback port under /api/v1/operator and needs the box's operator token (a file
 * in the data folder, readable only by the box's own user). `jukebox-operator` is its CLI.
 */

/** Who did it: a name or staff id, kept in the ledger row. */
export const operatorStaff = z.string().trim().min(1).max(64);

/** Free credits: a reason is required, and a ceiling keeps a typo from minting a fortune. */
export const grantCreditsRequest = z.strictObject({
  credits: z.number().int().min(1).max(1000),
  reason: z.string().trim().min(3).max(200),
  staff: operatorStaff,
});
export type GrantCreditsRequest = z.infer<typeof grantCreditsRequest>;

export const collectionRequest = z.strictObject({ staff: operatorStaff });
export type CollectionRequest = z.infer<typeof collectionRequest>;

/** Ledger page: rows after `after` (a ledger seq), oldest first. */
export const ledgerQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type LedgerQuery = z.infer<typeof ledgerQuery>;

export const ledgerEntry = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  kind: z.enum(['credit', 'spend', 'refund', 'free', 'adjust']),
  credits: z.number().int(),
  bonus: z.number().int(),
  balanceAfter: z.number().int(),
  valueCents: z.number().int().nullable(),
  device: z.string().nullable(),
  deviceEventId: z.string().nullable(),
  denomination: z.string().nullable(),
  reason: z.string().nullable(),
  staff: z.string().nullable(),
  ref: z.string().nullable(),
});
export type LedgerEntryView = z.infer<typeof ledgerEntry>;

export const grantCreditsResponse = z.object({ entry: ledgerEntry, balance: z.number().int() });
export type GrantCreditsResponse = z.infer<typeof grantCreditsResponse>;

export const collectionResponse = z.object({
  collection: z.object({
    id: z.number().int().positive(),
    at: z.string(),
    staff: z.string(),
    throughSeq: z.number().int().nonnegative(),
  }),
  collected: moneyTotalsStatus,
});
export type CollectionResponse = z.infer<typeof collectionResponse>;

export const ledgerResponse = z.object({
  entries: z.array(ledgerEntry),
  balance: z.number().int(),
  /** Pass as `after` for the next page; null when this page reached the end. */
  next: z.number().int().nullable(),
});
export type LedgerResponse = z.infer<typeof ledgerResponse>;

/** Pause content downloads (e.g. while a CD burns), saying why. */
export const syncPauseRequest = z.strictObject({ reason: z.string().trim().min(3).max(200) });
export type SyncPauseRequest = z.infer<typeof syncPauseRequest>;

/** Retail: a voucher a customer redeems once for `credits` (e.g. a free disc). */
export const issueVoucherRequest = z.strictObject({
  credits: z.number().int().min(1).max(100_000),
  staff: operatorStaff,
  note: z.string().trim().min(1).max(200).optional(),
});
export type IssueVoucherRequest = z.infer<typeof issueVoucherRequest>;

export const voucherView = z.object({
  code: z.string(),
  credits: z.number().int().positive(),
  issuedAt: z.string(),
  staff: z.string(),
  note: z.string().nullable(),
  redeemedAt: z.string().nullable(),
});
export type VoucherView = z.infer<typeof voucherView>;

/** Error body of the operator API. */
export const operatorError = z.object({ error: z.string(), code: z.string() });
export type OperatorError = z.infer<typeof operatorError>;
