import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateContentKey } from '@jukebox/crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentKeySealer, MasterKeyError, secretFromKeyFile } from './master-key.js';

const SECRET = 'a master secret of thirty-two characters or more';

describe('ContentKeySealer', () => {
  const sealer = ContentKeySealer.fromSecret(SECRET);

  it('seals a content key so that only the same secret and track open it', () => {
    const key = generateContentKey();
    const sealed = sealer.seal(key, 'trk-1');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(key.toString('base64url'));
    expect(sealer.open(sealed, 'trk-1')).toEqual(key);
    expect(ContentKeySealer.fromSecret(SECRET).open(sealed, 'trk-1')).toEqual(key);
    expect(() => sealer.open(sealed, 'trk-2')).toThrow(/does not open/);
  });

  it('names the master key, so a server with another secret says so', () => {
    const sealed = sealer.seal(generateContentKey(), 'trk-1');
    const other = ContentKeySealer.fromSecret(`${SECRET} but different`);
    expect(other.keyId).not.toBe(sealer.keyId);
    expect(() => other.open(sealed, 'trk-1')).toThrow(
      /sealed with master key .* start it with the secret/,
    );
  });

  it('refuses malformed and altered seals, and short secrets', () => {
    const sealed = sealer.seal(generateContentKey(), 'trk-1');
    const [v, id, body] = sealed.split('.') as [string, string, string];
    const flipped = body.slice(0, 5) + (body[5] === 'A' ? 'B' : 'A') + body.slice(6);
    for (const bad of [
      '',
      'v2.x.y',
      `${v}.${id}`,
      `${v}.${id}.!!`,
      `${v}.${id}.${body.slice(4)}`,
    ]) {
      expect(() => sealer.open(bad, 'trk-1'), bad).toThrow(MasterKeyError);
    }
    expect(() => sealer.open(`${v}.${id}.${flipped}`, 'trk-1')).toThrow(MasterKeyError);
    expect(() => ContentKeySealer.fromSecret('short')).toThrow(/at least 32 characters/);
  });
});

describe('secretFromKeyFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-master-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the file once (mode 0600) and reads the same secret afterwards', async () => {
    const file = path.join(dir, 'content-master.key');
    const made = await secretFromKeyFile(file);
    expect(made.created).toBe(true);
    expect(made.secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await secretFromKeyFile(file)).toEqual({ secret: made.secret, created: false });
  });

  it('refuses a file holding too short a secret', async () => {
    const file = path.join(dir, 'short.key');
    writeFileSync(file, 'abc\n');
    await expect(secretFromKeyFile(file)).rejects.toThrow(/too short/);
  }, 10_000);
});
