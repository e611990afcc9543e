import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/*
 * Password hashing with scrypt from node:crypto. A stored hash reads
 *   scrypt$ln=15,r=8,p=1$<salt b64u>$<key b64u>
 * so every hash carries the parameters it was made with: raising the cost later only changes
 * new hashes, and old ones are re-hashed at the holder's next successful login.
 */

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Bounds on parameters read back from the database, so a corrupt row cannot ask for 1 TB. */
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 16;

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

export const defaultScryptParams: ScryptParams = { logN: 15, r: 8, p: 1 };

/** The password does not meet the policy; the message says why, for the person choosing it. */
export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';
}

/**
 * The policy: length is what counts (NIST SP 800-63B), so at least 12 characters and no
 * composition rules; at most 1024 so hashing cost stays bounded.
 */
export function checkPasswordPolicy(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new WeakPasswordError(
      `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters (a few words make a good one)`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new WeakPasswordError(
      `the password is too long: at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
  if (password.trim() === '') throw new WeakPasswordError('the password cannot be only spaces');
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  const options: ScryptOptions = {
    N,
    r: params.r,
    p: params.p,
    // scrypt needs 128*N*r bytes; Node's default ceiling (32 MiB) is exactly that for the
    // default parameters, so give headroom for raised ones.
    maxmem: 256 * N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Hashes a password with a fresh random salt. Does not check the policy. */
export async function hashPassword(
  password: string,
  params: ScryptParams = defaultScryptParams,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

const HASH_FORMAT =
  /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function parseHash(stored: string): ParsedHash | undefined {
  const m = HASH_FORMAT.exec(stored);
  if (!m) return undefined;
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.logN < 1 || params.logN > MAX_LOG_N) return undefined;
  if (params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) return undefined;
  const salt = Buffer.from(m[4]!, 'base64url');
  const key = Buffer.from(m[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { params, salt, key };
}

/**
 * True when `password` matches `stored`. The comparison is constant-time; a malformed stored
 * hash never matches (and never throws, so a bad row cannot become a 500 at login).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with weaker parameters than `current` (re-hash at login). */
export function needsRehash(stored: string, current: ScryptParams): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const p = parsed.params;
  return p.logN < current.logN || p.r < current.r || p.p < current.p;
}

/**
 * A hash of a random password, made once per process. Login verifies against it when the
 * username does not exist, so "no such user" takes as long as "wrong password" and response
 * times do not reveal which usernames exist.
 */
export function dummyHash(params: ScryptParams): Promise<string> {
  return hashPassword(randomBytes(18).toString('base64url'), params);
}
