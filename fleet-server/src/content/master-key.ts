import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { b64uEncode, tryB64uDecode } from '@jukebox/crypto';

/**
 * The server master key, which seals every track's content key at rest. A content key opens
 * one track for anyone who holds it, so the database never stores one in clear: each is
 * sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the master secret, with the
 * track id as AAD so a sealed key cannot be moved to another track. A copy of the database
 * without the secret opens nothing.
 *
 *     sealed = "v1." keyId "." b64u( nonce (12) | ciphertext (32) | tag (16) )
 *
 * `keyId` (8 bytes of HKDF output, hex) names the master key, so a server started with a
 * different secret says so plainly instead of failing every unseal with a tag mismatch, and a
 * later rotation can tell old seals from new.
 */
export class ContentKeySealer {
  readonly keyId: string;
  readonly #key: Buffer;

  private constructor(secret: Buffer) {
    const salt = Buffer.from('jukebox fleet content keys', 'utf8');
    this.#key = Buffer.from(hkdfSync('sha256', secret, salt, 'seal v1', 32));
    this.keyId = Buffer.from(hkdfSync('sha256', secret, salt, 'key id v1', 8)).toString('hex');
  }

  /** From the configured secret: at least 32 characters (any text; it is only ever hashed). */
  static fromSecret(secret: string): ContentKeySealer {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new MasterKeyError(
        `the content key secret must have at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
    return new ContentKeySealer(Buffer.from(secret, 'utf8'));
  }

  /**
   * Seals a 32-byte key bound to `context` (a track id for content keys; the server uses
   * `server-key:<name>` for its own keys), so a seal cannot be moved to another context.
   */
  seal(contentKey: Uint8Array, trackId: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(trackId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(contentKey), cipher.final(), cipher.getAuthTag()]);
    return `v1.${this.keyId}.${b64uEncode(Buffer.concat([nonce, sealed]))}`;
  }

  /**
   * The key sealed for `trackId` (the context given to `seal`); throws MasterKeyError when it
   * does not open. `what` names the key in messages (default: the content key of the track).
   */
  open(sealed: string, trackId: string, what = `content key of ${trackId}`): Buffer {
    const [version, keyId, body] = sealed.split('.');
    if (version !== 'v1' || keyId === undefined || body === undefined) {
      throw new MasterKeyError(`the stored ${what} is malformed`);
    }
    if (keyId !== this.keyId) {
      throw new MasterKeyError(
        `the ${what} was sealed with master key ${keyId}, but this server ` +
          `has master key ${this.keyId}: start it with the secret the catalog was made with`,
      );
    }
    const bytes = tryB64uDecode(body);
    if (bytes === undefined || bytes.length !== 12 + 32 + 16) {
      throw new MasterKeyError(`the stored ${what} is malformed`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(trackId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(12 + 32));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(12, 12 + 32)), decipher.final()]);
    } catch {
      throw new MasterKeyError(`the stored ${what} does not open (altered?)`);
    }
  }
}

export const MIN_SECRET_LENGTH = 32;

/** The master key is missing, wrong, or a sealed key does not open with it. */
export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

/**
 * The secret from a key file, made on first use when it does not exist (32 random bytes,
 * b64u, mode 0600, created exclusively so two processes starting together agree on one).
 * Used when no secret is configured, so a one-command server works out of the box; the file
 * must then be backed up with the database, or every track is lost with it.
 */
export async function secretFromKeyFile(
  file: string,
): Promise<{ secret: string; created: boolean }> {
  try {
    await writeFile(file, `${b64uEncode(randomBytes(32))}\n`, { flag: 'wx', mode: 0o600 });
    return { secret: (await readFile(file, 'utf8')).trim(), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Another process may have created the file an instant ago and not written it yet.
  for (let attempt = 0; ; attempt++) {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length >= MIN_SECRET_LENGTH) return { secret, created: false };
    if (attempt >= 5) {
      throw new MasterKeyError(`the content key file ${file} holds too short a secret`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
