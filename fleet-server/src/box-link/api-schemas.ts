import { z } from 'zod';
import {
  fleetBoxId,
  fleetId,
  isoTime,
  nonNegativeSafeInt,
  shortText,
  statusData,
} from '@jukebox/protocol';

/*
 * Request and response schemas of the box link's staff endpoints. They belong beside the other
 * staff API schemas in @jukebox/protocol (fleet-staff.ts) once a console uses them; they live
 * here while only this server does.
 */

export const createEnrollmentCodeRequest = z.strictObject({
  /** Name the enrolled box gets (otherwise the name the box reports). */
  name: shortText(100).optional(),
  /** Route the enrolled box is put on. */
  routeId: fleetId.optional(),
  expiresInHours: z.number().int().min(1).max(720).default(72),
});
export type CreateEnrollmentCodeRequest = z.infer<typeof createEnrollmentCodeRequest>;

export const enrollmentCodeSummary = z.object({
  id: fleetId,
  name: z.string().nullable(),
  routeId: fleetId.nullable(),
  routeName: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: isoTime,
  expiresAt: isoTime,
});
export type EnrollmentCodeSummary = z.infer<typeof enrollmentCodeSummary>;

/** The answer to creating a code: the only time the code itself is shown. */
export const enrollmentCodeCreated = enrollmentCodeSummary.extend({
  code: z.string(),
});
export type EnrollmentCodeCreated = z.infer<typeof enrollmentCodeCreated>;

export const enrollmentCodeListResponse = z.object({ codes: z.array(enrollmentCodeSummary) });
export type EnrollmentCodeListResponse = z.infer<typeof enrollmentCodeListResponse>;

export const boxLinkStatus = z.object({
  boxId: fleetBoxId,
  status: z.enum(['active', 'revoked']),
  /** Enrolled (has keys); boxes made by other means cannot connect. */
  enrolled: z.boolean(),
  connected: z.boolean(),
  lastSeenAt: isoTime.nullable(),
  lastHelloAt: isoTime.nullable(),
  ackedSeq: nonNegativeSafeInt,
  /** The highest seq the box said it had written, at its last hello. */
  lastTelemetrySeq: nonNegativeSafeInt,
  ackedManifestVersion: nonNegativeSafeInt,
  softwareVersion: z.string().nullable(),
  lastStatus: statusData.nullable(),
  lastStatusAt: isoTime.nullable(),
});
export type BoxLinkStatus = z.infer<typeof boxLinkStatus>;

export const telemetryAck = z.object({ ack: nonNegativeSafeInt });

const reportRange = {
  /** Start of the span (inclusive); none: from the beginning. */
  from: isoTime.optional(),
  /** End of the span (exclusive); none: up to now. */
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
};

export const playsReportQuery = z.strictObject({ ...reportRange, boxId: fleetBoxId.optional() });
export type PlaysReportQuery = z.infer<typeof playsReportQuery>;

export const playsReportRow = z.object({
  boxId: fleetBoxId,
  boxName: z.string(),
  /** `catalog:<trackId>` or `local:<artist>|<title>` (normalised). */
  trackKey: z.string(),
  catalogId: z.string().nullable(),
  title: z.string(),
  artist: z.string(),
  plays: z.number().int(),
  completedPlays: z.number().int(),
  paidCredits: z.number().int(),
});

export const playsReport = z.object({
  from: isoTime.nullable(),
  to: isoTime.nullable(),
  rows: z.array(playsReportRow),
  /** More rows matched than `limit`. */
  truncated: z.boolean(),
});
export type PlaysReport = z.infer<typeof playsReport>;

export const songRequestsReportQuery = z.strictObject(reportRange);
export type SongRequestsReportQuery = z.infer<typeof songRequestsReportQuery>;

export const songRequestsReportRow = z.object({
  normalized: z.string(),
  /** One of the texts as patrons typed them. */
  sampleText: z.string(),
  requests: z.number().int(),
  boxes: z.number().int(),
  firstAt: isoTime,
  lastAt: isoTime,
});

export const songRequestsReport = z.object({
  from: isoTime.nullable(),
  to: isoTime.nullable(),
  rows: z.array(songRequestsReportRow),
  truncated: z.boolean(),
});
export type SongRequestsReport = z.infer<typeof songRequestsReport>;
