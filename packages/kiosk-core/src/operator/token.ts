import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Name of the operator token file in the box's data folder. */
export const OPERATOR_TOKEN_FILE = 'operator.token';

/**
 * The box's operator token: 32 random bytes (base64url) kept in `<dataDir>/operator.token`,
 * mode 0600, made at first start. Whoever can read the box's data folder (its own user, or an
 * operator logged in on the box) can use the operator API; the patron UI on the same loopback
 * port cannot, because it never sees the file.
 */
export function loadOrCreateOperatorToken(dataDir: string): string {
  const file = path.join(dataDir, OPERATOR_TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{43}$/.test(token)) return token;
    throw new Error(`${file} does not hold an operator token; delete it to make a new one`);
  }
  const token = randomBytes(32).toString('base64url');
  // 'wx': never overwrite a token another process wrote in the meantime.
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return token;
}

/** Constant-time check of an `Authorization: Bearer <token>` header. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(header ?? '');
  if (!match?.[1]) return false;
  // Compare digests so that the lengths are equal and nothing leaks through timing.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}
