import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createPlaintextReadStream, unwrapContentKey } from '@jukebox/crypto';
import type { PlaintextServer } from './plaintext-server.js';
import type { TrackEncryption } from '../library/browse.js';
import { IDENTITY_FILE, loadOrCreateIdentity } from './identity.js';

/** Unwrapped keys kept in memory for the tracks played lately (the queue's next few). */
const CACHE_SIZE = 64;

/**
 * Opens synced tracks for playback: unwraps the track's content key with this box's X25519
 * key and streams the JBX1 file decrypted, chunk by chunk, straight into the decoder. The
 * plaintext never reaches the disk; unwrapped keys live only in this small in-memory cache.
 */
export class ContentKeys {
  private agreementKey: KeyObject | null = null;
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly dataDir: string,
    /** Serves decrypted tracks to ffmpeg (seekable, for the gapless trim); see its comment. */
    private readonly server: PlaintextServer | null = null,
  ) {}

  /** Whether this box has an identity at all (a box never enrolled has no fleet content). */
  available(): boolean {
    return this.agreementKey !== null || existsSync(path.join(this.dataDir, IDENTITY_FILE));
  }

  /** The content key of a track; throws a clear error when the wrap is not for this box. */
  keyFor(encryption: TrackEncryption): Buffer {
    const id = `${encryption.catalogId}\u0000${encryption.wrappedKey}`;
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    this.agreementKey ??= loadOrCreateIdentity(this.dataDir).identity.agreement.privateKey;
    const key = unwrapContentKey(encryption.wrappedKey, this.agreementKey, encryption.catalogId);
    this.cache.set(id, key);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return key;
  }

  /** The decrypted audio of a synced track, as a stream. */
  open(file: string, encryption: TrackEncryption): Readable {
    return createPlaintextReadStream(file, this.keyFor(encryption));
  }

  /** A loopback URL ffmpeg plays the track from, valid for `ttlMs`; see PlaintextServer. */
  url(file: string, encryption: TrackEncryption, ttlMs: number): string {
    if (this.server === null) throw new Error('no plaintext server for fleet tracks');
    return this.server.register(file, this.keyFor(encryption), ttlMs);
  }

  release(url: string): void {
    this.server?.release(url);
  }
}
