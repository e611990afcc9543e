import { z } from 'zod';
import { boxId, shortText, publicKeyB64u, signatureB64u, softwareVersion } from './common.js';

/** What a box says about itself when it enrolls. */
export const boxInfo = z.strictObject({
  /** A name staff recognise, e.g. "Rusty Anchor, back bar"; staff may rename it later. */
  name: shortText(100).optional(),
  softwareVersion,
});
export type BoxInfo = z.infer<typeof boxInfo>;

/** The one-time code staff create in the console and type into the box. */
export const enrollmentCode = z
  .string()
  .regex(/^[A-Za-z0-9-]{4,64}$/, 'an enrollment code is 4-64 letters, digits or "-"');

/**
 * POST body with which a box enrolls. `proof` is the box's Ed25519 signature (by
 * `signingPublicKey`) over the canonical JSON of this object without `proof`: it shows the
 * box holds the key it registers. Strict, so the server acts only on signed fields.
 */
export const enrollmentRequest = z.strictObject({
  code: enrollmentCode,
  signingPublicKey: publicKeyB64u,
  agreementPublicKey: publicKeyB64u,
  info: boxInfo,
  proof: signatureB64u,
});
export type EnrollmentRequest = z.infer<typeof enrollmentRequest>;

/** The server's answer: the box's id and the key its manifests will be signed with. */
export const enrollmentResponse = z.strictObject({
  boxId,
  serverSigningPublicKey: publicKeyB64u,
});
export type EnrollmentResponse = z.infer<typeof enrollmentResponse>;
