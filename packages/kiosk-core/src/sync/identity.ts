import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  exportBoxIdentity,
  generateBoxIdentity,
  importBoxIdentity,
  rawPublicKeyB64u,
  type BoxIdentity,
  type ExportedBoxIdentity,
} from '@jukebox/crypto';
import { writeFileAtomic } from './files.js';

/** The box's key pairs live in `<dataDir>/identity.json`, readable by the box user only. */
export const IDENTITY_FILE = 'identity.json';

export interface LoadedIdentity {
  identity: BoxIdentity;
  /** Raw 32-byte public keys, base64url, as enrollment sends them. */
  signingPublicKey: string;
  agreementPublicKey: string;
  /** True when this call made the keys (first boot). */
  created: boolean;
}

/**
 * The box's identity: an Ed25519 pair that signs every request and the control channel
 * hello, and an X25519 pair that unwraps the content keys in its manifests. Made once, on
 * first boot, and never sent anywhere but as public keys. Losing the file means enrolling
 * again (and the content already on disk can no longer be played: its keys were wrapped for
 * the old pair), so it is written atomically and refused loudly when it is damaged.
 */
export function loadOrCreateIdentity(dataDir: string): LoadedIdentity {
  const file = path.join(dataDir, IDENTITY_FILE);
  let identity: BoxIdentity;
  let created = false;
  if (existsSync(file)) {
    let stored: ExportedBoxIdentity;
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as ExportedBoxIdentity;
      identity = importBoxIdentity(stored);
    } catch (err) {
      throw new Error(
        `${file} is damaged (${(err as Error).message}); restore it from a backup, or delete it and enroll the box again`,
        { cause: err },
      );
    }
  } else {
    identity = generateBoxIdentity();
    writeFileAtomic(file, `${JSON.stringify(exportBoxIdentity(identity), null, 2)}\n`, 0o600);
    created = true;
  }
  return {
    identity,
    signingPublicKey: rawPublicKeyB64u(identity.signing.publicKey),
    agreementPublicKey: rawPublicKeyB64u(identity.agreement.publicKey),
    created,
  };
}
