import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  exportKeyPair,
  generateServerSigningKey,
  importKeyPair,
  keyPairFromRaw,
  rawPrivateKey,
  type KeyPair,
} from '@jukebox/crypto';
import type { Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';
import type { Logger } from '../logger.js';

/** The server's manifest-signing key: boxes pin its public half at enrollment. */
export interface ServerSigningKey {
  privateKey: KeyObject;
  /** Raw Ed25519 public key, b64u (what `enrollmentResponse.serverSigningPublicKey` carries). */
  publicKey: string;
}

/**
 * Seals 32-byte keys at rest under the server's master key (content/master-key.ts), bound to
 * a context string. The content module provides it (`BoxLinkService.useKeySealer`).
 */
export interface KeySealer {
  seal(key: Uint8Array, context: string): string;
  open(sealed: string, context: string, what?: string): Buffer;
}
export type KeySealerSource = () => Promise<KeySealer>;

const SIGNING_KEY_NAME = 'manifest-signing';
/** A sealed private key as stored (`v1.<master key id>.<b64u>`); anything else is PKCS#8. */
const SEALED = /^v1\.[0-9a-f]{16}\./;

/**
 * The server's own key pairs, made on first use and kept in the database, so every server
 * process behind a balancer signs with the same key. Two processes starting at once may both
 * generate one; the insert keeps the first and both read that one back.
 *
 * The private half is stored sealed under the master key that also seals the content keys
 * (its 32-byte Ed25519 seed, AES-256-GCM, bound to `server-key:<name>`): a copy of the
 * database alone, a backup say, cannot sign manifests. A key stored in clear by an earlier
 * release is sealed in place the first time it is read.
 */
export class ServerKeyStore {
  #signing: Promise<ServerSigningKey> | undefined;

  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
    private readonly sealer: KeySealerSource,
    private readonly log?: Logger,
  ) {}

  /** The manifest-signing key; generated and stored once, then cached in this process. */
  signingKey(): Promise<ServerSigningKey> {
    this.#signing ??= this.#loadOrCreate(SIGNING_KEY_NAME).catch((err: unknown) => {
      // A failed read (database down, master key missing) must not be cached for the life of
      // the process.
      this.#signing = undefined;
      throw err;
    });
    return this.#signing;
  }

  async #loadOrCreate(name: string): Promise<ServerSigningKey> {
    const sealer = await this.sealer();
    const context = `server-key:${name}`;
    let row = await this.#read(name);
    if (!row) {
      const pair = generateServerSigningKey();
      await this.db
        .insertInto('server_keys')
        .values({
          name,
          public_key: exportKeyPair(pair).publicKey,
          private_key: sealer.seal(rawPrivateKey(pair.privateKey), context),
          created_at: this.clock.now(),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await this.#read(name);
      if (!row) throw new Error(`server key ${name} vanished after it was stored`);
    }
    const sealed = SEALED.test(row.private_key);
    // Either way the halves are checked to belong together (a mixed-up row is refused).
    const pair: KeyPair = sealed
      ? keyPairFromRaw(
          sealer.open(row.private_key, context, `private key of server key ${name}`),
          row.public_key,
          'ed25519',
        )
      : importKeyPair({ publicKey: row.public_key, privateKey: row.private_key }, 'ed25519');
    if (!sealed) {
      // Stored in clear by an earlier release: seal it where it is, once (another process
      // doing the same at the same moment changes nothing the first did not).
      await this.db
        .updateTable('server_keys')
        .set({ private_key: sealer.seal(rawPrivateKey(pair.privateKey), context) })
        .where('name', '=', name)
        .where('private_key', '=', row.private_key)
        .execute();
      this.log?.info({ key: name }, 'server key sealed at rest under the master key');
    }
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
