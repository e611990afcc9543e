import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { exportKeyPair, generateServerSigningKey, importKeyPair } from '@jukebox/crypto';
import type { Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';

/** The server's manifest-signing key: boxes pin its public half at enrollment. */
export interface ServerSigningKey {
  privateKey: KeyObject;
  /** Raw Ed25519 public key, b64u (what `enrollmentResponse.serverSigningPublicKey` carries). */
  publicKey: string;
}

const SIGNING_KEY_NAME = 'manifest-signing';

/**
 * The server's own key pairs, made on first use and kept in the database, so every server
 * process behind a balancer signs with the same key. Two processes starting at once may both
 * generate one; the insert keeps the first and both read that one back.
 *
 * The private key is stored as PKCS#8 in the database: whoever can read the database can sign
 * manifests, so the database deserves the protection of a signing key (backups included).
 */
export class ServerKeyStore {
  #signing: Promise<ServerSigningKey> | undefined;

  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
  ) {}

  /** The manifest-signing key; generated and stored once, then cached in this process. */
  signingKey(): Promise<ServerSigningKey> {
    this.#signing ??= this.#loadOrCreate(SIGNING_KEY_NAME).catch((err: unknown) => {
      // A failed read (database down) must not be cached for the life of the process.
      this.#signing = undefined;
      throw err;
    });
    return this.#signing;
  }

  async #loadOrCreate(name: string): Promise<ServerSigningKey> {
    let row = await this.#read(name);
    if (!row) {
      const exported = exportKeyPair(generateServerSigningKey());
      await this.db
        .insertInto('server_keys')
        .values({
          name,
          public_key: exported.publicKey,
          private_key: exported.privateKey,
          created_at: this.clock.now(),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await this.#read(name);
      if (!row) throw new Error(`server key ${name} vanished after it was stored`);
    }
    const pair = importKeyPair(
      { publicKey: row.public_key, privateKey: row.private_key },
      'ed25519',
    );
    return { privateKey: pair.privateKey, publicKey: row.public_key };
  }

  #read(name: string) {
    return this.db
      .selectFrom('server_keys')
      .select(['public_key', 'private_key'])
      .where('name', '=', name)
      .executeTakeFirst();
  }
}
