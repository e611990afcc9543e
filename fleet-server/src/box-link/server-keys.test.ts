import { sign, verify } from 'node:crypto';
import { exportKeyPair, generateServerSigningKey, rawPublicKeyB64u } from '@jukebox/crypto';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContentKeySealer, MasterKeyError } from '../content/master-key.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { ServerKeyStore } from './server-keys.js';

// The server's manifest-signing key at rest: sealed under the master key, never in clear, and
// a key an earlier release stored in clear is sealed in place when first read.

const SECRET = 'the master secret of this test, long enough';

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`server keys at rest on ${target.dialect}`, () => {
    let t: TestServer;
    const store = (secret = SECRET) => {
      const sealer = ContentKeySealer.fromSecret(secret);
      return new ServerKeyStore(t.server.context.db, t.clock, async () => sealer);
    };
    const stored = () =>
      t.server.context.db.selectFrom('server_keys').selectAll().executeTakeFirstOrThrow();

    beforeAll(async () => {
      t = await startTestServer(target);
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await t.server.context.db.deleteFrom('server_keys').execute();
    });

    it('stores the private key sealed, and signs with it after a restart', async () => {
      const key = await store().signingKey();
      const row = await stored();
      expect(row.public_key).toBe(key.publicKey);
      expect(row.private_key).toMatch(/^v1\.[0-9a-f]{16}\.[A-Za-z0-9_-]+$/);
      const seed = key.privateKey.export({ format: 'jwk' }).d!;
      expect(row.private_key).not.toContain(seed);

      const again = await store().signingKey();
      expect(again.publicKey).toBe(key.publicKey);
      const message = Buffer.from('manifest');
      const signature = sign(null, message, again.privateKey);
      expect(verify(null, message, key.privateKey, signature)).toBe(true);
    });

    it('says plainly when the server runs with another master key', async () => {
      await store().signingKey();
      const other = store(`${SECRET}, but another`).signingKey();
      await expect(other).rejects.toThrow(MasterKeyError);
      await expect(store(`${SECRET}, but another`).signingKey()).rejects.toThrow(
        /private key of server key manifest-signing was sealed with master key/,
      );
    });

    it('refuses a sealed key that was altered or moved', async () => {
      await store().signingKey();
      const row = await stored();
      const body = row.private_key.split('.')[2]!;
      const flipped = body.slice(0, 3) + (body[3] === 'A' ? 'B' : 'A') + body.slice(4);
      await t.server.context.db
        .updateTable('server_keys')
        .set({ private_key: row.private_key.replace(body, flipped) })
        .execute();
      await expect(store().signingKey()).rejects.toThrow(/does not open/);
      // A content key sealed for a track is not a server key, though both are 32 bytes.
      const sealer = ContentKeySealer.fromSecret(SECRET);
      await t.server.context.db
        .updateTable('server_keys')
        .set({ private_key: sealer.seal(Buffer.alloc(32, 7), 'trk-00000000000000000001') })
        .execute();
      await expect(store().signingKey()).rejects.toThrow(/does not open/);
    });

    it('seals a key stored in clear by an earlier release, keeping the same key', async () => {
      const pair = generateServerSigningKey();
      const exported = exportKeyPair(pair);
      await t.server.context.db
        .insertInto('server_keys')
        .values({
          name: 'manifest-signing',
          public_key: exported.publicKey,
          private_key: exported.privateKey,
          created_at: t.clock.now(),
        })
        .execute();
      const key = await store().signingKey();
      expect(key.publicKey).toBe(rawPublicKeyB64u(pair.publicKey));
      const row = await stored();
      expect(row.private_key).toMatch(/^v1\./);
      expect(row.private_key).not.toContain(exported.privateKey);
      // The sealed row opens to the same key pair.
      const reopened = await store().signingKey();
      const message = Buffer.from('still the same key');
      expect(verify(null, message, pair.publicKey, sign(null, message, reopened.privateKey))).toBe(
        true,
      );
    });
  });
}
