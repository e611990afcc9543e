import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './files.js';

/** What the box keeps of its enrollment, in `<dataDir>/fleet.json`. */
export const ENROLLMENT_FILE = 'fleet.json';

export const storedEnrollment = z.strictObject({
  /** The server the box enrolled with; another configured server means enrolling again. */
  server: z.string().url(),
  boxId: z.string().min(1).max(64),
  /** The server's manifest-signing key (raw Ed25519, base64url), pinned at enrollment. */
  serverSigningPublicKey: z.string().min(43).max(43),
  enrolledAt: z.string(),
});
export type StoredEnrollment = z.infer<typeof storedEnrollment>;

export function loadEnrollment(dataDir: string): StoredEnrollment | null {
  const file = path.join(dataDir, ENROLLMENT_FILE);
  if (!existsSync(file)) return null;
  const parsed = storedEnrollment.safeParse(
    (() => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        return null;
      }
    })(),
  );
  if (!parsed.success) {
    throw new Error(`${file} is damaged; delete it to enroll the box again`);
  }
  return parsed.data;
}

export function saveEnrollment(dataDir: string, enrollment: StoredEnrollment): void {
  writeFileAtomic(
    path.join(dataDir, ENROLLMENT_FILE),
    `${JSON.stringify(storedEnrollment.parse(enrollment), null, 2)}\n`,
    0o600,
  );
}
