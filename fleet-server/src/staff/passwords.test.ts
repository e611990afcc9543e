import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  hashPassword,
  needsRehash,
  verifyPassword,
  WeakPasswordError,
} from './passwords.js';

// Low cost keeps the suite fast; the format and logic are the same at any cost.
const cheap = { logN: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('round-trips and refuses a wrong password', async () => {
    const hash = await hashPassword('correct horse battery', cheap);
    expect(hash).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterx', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('the same password', cheap);
    const b = await hashPassword('the same password', cheap);
    expect(a).not.toBe(b);
  });

  it('treats canonically equivalent Unicode as the same password', async () => {
    const composed = 'caf\u00e9 au lait please';
    const decomposed = 'cafe\u0301 au lait please';
    const hash = await hashPassword(composed, cheap);
    expect(await verifyPassword(decomposed, hash)).toBe(true);
  });

  it('verifies with the parameters stored in the hash, whatever the current ones', async () => {
    const old = await hashPassword('an older password', { logN: 11, r: 8, p: 1 });
    expect(await verifyPassword('an older password', old)).toBe(true);
    expect(needsRehash(old, { logN: 12, r: 8, p: 1 })).toBe(true);
    expect(needsRehash(old, { logN: 11, r: 8, p: 1 })).toBe(false);
    expect(needsRehash(old, { logN: 10, r: 8, p: 1 })).toBe(false);
  });

  it.each([
    [''],
    ['plaintext'],
    ['scrypt$ln=10,r=8,p=1$c2FsdA$a2V5'],
    ['scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['scrypt$ln=0,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['bcrypt$2b$10$abcdefghijklmnopqrstuv'],
  ])('never matches (nor throws on) a malformed stored hash %j', async (stored) => {
    await expect(verifyPassword('whatever password', stored)).resolves.toBe(false);
    expect(needsRehash(stored, cheap)).toBe(true);
  });
});

describe('password policy', () => {
  it('accepts 12 characters or more', () => {
    expect(() => checkPasswordPolicy('twelve chars')).not.toThrow();
    expect(() => checkPasswordPolicy('ünïcödé-pass')).not.toThrow();
  });

  it.each([
    ['', /too short/],
    ['eleven char', /too short/],
    ['            ', /only spaces/],
    ['x'.repeat(1025), /too long/],
  ])('refuses %j', (password, message) => {
    expect(() => checkPasswordPolicy(password)).toThrow(WeakPasswordError);
    expect(() => checkPasswordPolicy(password)).toThrow(message);
  });
});
