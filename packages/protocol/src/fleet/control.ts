import { z } from 'zod';
import {
  boxId,
  challengeNonce,
  commandId,
  shortText,
  nonNegativeSafeInt,
  positiveSafeInt,
  signatureB64u,
  softwareVersion,
  wireTime,
} from './common.js';
import { statusData, telemetryBatch } from './telemetry.js';

/*
 * The control channel: one WebSocket per box, JSON text frames, one message per frame,
 * discriminated on `type`. The server opens with `challenge`; the box answers `hello`; the
 * server replies `welcome` (or `error` and closes). Large content never travels here.
 */

/**
 * Largest frame either side should accept (ws `maxPayload`). A full telemetry batch of
 * {@link MAX_TELEMETRY_BATCH} records stays well below it.
 */
export const MAX_CONTROL_MESSAGE_BYTES = 1024 * 1024;

// ---- server -> box ----

/** First frame from the server: the nonce the box must sign in its hello. */
export const challengeMessage = z.strictObject({
  type: z.literal('challenge'),
  nonce: challengeNonce,
});

/** The hello was accepted. `serverTime` lets a box notice its clock is off. */
export const welcomeMessage = z.strictObject({
  type: z.literal('welcome'),
  boxId,
  serverTime: wireTime,
});

/** A newer manifest is ready; the box fetches it over HTTP. */
export const manifestNoticeMessage = z.strictObject({
  type: z.literal('manifest-notice'),
  version: positiveSafeInt,
});

/**
 * The highest telemetry seq the server has durably stored with every lower seq also stored
 * (0 when none). The box may forget records up to it, never beyond.
 */
export const ackMessage = z.strictObject({
  type: z.literal('ack'),
  seq: nonNegativeSafeInt,
});

/** Arguments of a command: a flat record of a few JSON scalars. */
export const commandArgs = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'not an argument name'),
    z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
  )
  .refine((args) => Object.keys(args).length <= 32, 'at most 32 arguments');

/** An instruction from staff (e.g. `sync-now`, `restart`); the box reports the outcome. */
export const commandMessage = z.strictObject({
  type: z.literal('command'),
  id: commandId,
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'not a command name'),
  args: commandArgs,
});

export const controlErrorCode = z.enum([
  'bad_message',
  'bad_signature',
  'unknown_box',
  'revoked',
  'clock_skew',
  'rate_limited',
  'internal',
]);

/** A refusal; after an error in the handshake the server closes the socket. */
export const controlErrorMessage = z.strictObject({
  type: z.literal('error'),
  code: controlErrorCode,
  message: z.string().max(500),
});

/** Keep-alive probe (the box answers `pong`). */
export const pingMessage = z.strictObject({ type: z.literal('ping') });

export const serverControlMessage = z.discriminatedUnion('type', [
  challengeMessage,
  welcomeMessage,
  manifestNoticeMessage,
  ackMessage,
  commandMessage,
  controlErrorMessage,
  pingMessage,
]);
export type ServerControlMessage = z.infer<typeof serverControlMessage>;

// ---- box -> server ----

/**
 * The box's answer to the challenge. `signature` is the box's Ed25519 signature over the
 * canonical JSON of this whole message without `signature` (so `type`, `nonce` and every
 * version are covered); `nonce` must equal the challenge of this connection.
 */
export const helloMessage = z.strictObject({
  type: z.literal('hello'),
  boxId,
  /** Box clock, ms since the epoch. */
  timestamp: nonNegativeSafeInt,
  nonce: challengeNonce,
  signature: signatureB64u,
  softwareVersion,
  /** Version of the last manifest the box applied; 0 before its first. */
  ackedManifestVersion: nonNegativeSafeInt,
  /** Highest telemetry seq the box has written (the server compares with its own ack). */
  lastTelemetrySeq: nonNegativeSafeInt,
});
export type HelloMessage = z.infer<typeof helloMessage>;

/** A batch of telemetry records (see telemetry.ts). */
export const telemetryMessage = telemetryBatch.extend({ type: z.literal('telemetry') });

/** Live status, not stored as telemetry: answers a command or reports a change. */
export const statusMessage = z.strictObject({
  type: z.literal('status'),
  status: statusData,
  /** Outcome of a command, when this status answers one. */
  commandId: commandId.optional(),
  commandResult: z.enum(['ok', 'failed', 'unknown-command']).optional(),
  detail: shortText(500).optional(),
});

export const pongMessage = z.strictObject({ type: z.literal('pong') });

export const boxControlMessage = z.discriminatedUnion('type', [
  helloMessage,
  telemetryMessage,
  statusMessage,
  pongMessage,
]);
export type BoxControlMessage = z.infer<typeof boxControlMessage>;

/** A single control message type, by its `type`. */
export type ServerControlMessageOf<T extends ServerControlMessage['type']> = Extract<
  ServerControlMessage,
  { type: T }
>;
export type BoxControlMessageOf<T extends BoxControlMessage['type']> = Extract<
  BoxControlMessage,
  { type: T }
>;
