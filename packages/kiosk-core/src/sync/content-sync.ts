import type { KeyObject } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { verifySignedManifest } from '@jukebox/crypto';
import { signedManifest, type FleetManifest, type SignedManifest } from '@jukebox/protocol';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';
import type { Library } from '../library/index.js';
import type { Logger } from '../log.js';
import { BlobIntegrityError, downloadBlob } from './blob-download.js';
import { collectGarbage, installManifest } from './content-install.js';
import { syncDir } from './files.js';
import { FleetError, type FleetClient } from './fleet-client.js';

export type SyncPhase = 'idle' | 'checking' | 'downloading' | 'installing' | 'paused' | 'failed';

/** What the operator view shows of a sync. */
export interface SyncProgress {
  phase: SyncPhase;
  /** Version of the manifest the library is at (0 before the first). */
  manifestVersion: number;
  /** Version being synced, while a sync runs. */
  targetVersion: number | null;
  files: { done: number; total: number };
  bytes: { done: number; total: number };
  /** Why downloads are paused (e.g. "a CD is burning"), or why the last sync failed. */
  detail: string | null;
  lastSyncAt: string | null;
}

export interface ContentSyncOptions {
  db: Db;
  library: Library;
  client: FleetClient;
  auth: { boxId: string; key: KeyObject };
  /** The server's manifest key, pinned at enrollment (raw Ed25519, base64url). */
  serverKey: string;
  dataDir: string;
  log: Logger;
  /** Blobs that must stay on disk whatever the manifest says (playing or queued songs). */
  inUse: () => Set<string>;
  /** Called after the library changed. */
  changed: () => void;
  now?: () => Date;
}

/** Why a manifest was refused. */
export class ManifestRefused extends Error {
  override readonly name = 'ManifestRefused';
}

/** Blobs downloaded at once. */
const PARALLEL_DOWNLOADS = 3;

/**
 * Brings the box's content in line with its newest signed manifest: the manifest is verified
 * (signature by the pinned server key, this box's id, a version that never goes back, not
 * expired), the blobs it lists and the box lacks are downloaded (resumable, verified by
 * SHA-256), the library is updated in ONE transaction (new and changed tracks in, tracks no
 * longer listed hidden), and blobs no longer listed are deleted unless a song that is playing
 * or queued still needs them. Downloads can be paused (the CD burner needs the disk and CPU)
 * and resume where they stopped.
 */
export class ContentSync {
  private progress: SyncProgress;
  private running: Promise<void> | null = null;
  private again = false;
  private pausedFor: string | null = null;
  private readonly aborts = new Set<AbortController>();
  private readonly blobsDir: string;
  private readonly partialDir: string;
  private readonly now: () => Date;
  private readonly listeners = new Set<(p: SyncProgress) => void>();

  constructor(private readonly opts: ContentSyncOptions) {
    this.blobsDir = path.join(opts.dataDir, 'content', 'blobs');
    this.partialDir = path.join(opts.dataDir, 'content', 'partial');
    this.now = opts.now ?? (() => new Date());
    const last = this.lastManifest();
    this.progress = {
      phase: 'idle',
      manifestVersion: last?.version ?? 0,
      targetVersion: null,
      files: { done: 0, total: 0 },
      bytes: { done: 0, total: 0 },
      detail: null,
      lastSyncAt: last?.acceptedAt ?? null,
    };
  }

  /** A copy (the status route reads it on every call: no structuredClone, which costs more). */
  get state(): SyncProgress {
    const p = this.progress;
    return { ...p, files: { ...p.files }, bytes: { ...p.bytes } };
  }

  onProgress(listener: (p: SyncProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops downloading at once (the partial file stays for a resume) until `resume()`. */
  pause(reason: string): void {
    this.pausedFor = reason;
    for (const a of this.aborts) a.abort(new Error(`paused: ${reason}`));
    if (this.running === null) this.update({ phase: 'paused', detail: reason });
  }

  resume(): void {
    if (this.pausedFor === null) return;
    this.pausedFor = null;
    this.update({ phase: 'idle', detail: null });
    this.syncNow();
  }

  get paused(): boolean {
    return this.pausedFor !== null;
  }

  /**
   * Starts a sync, or asks the running one to check again when it ends (a manifest notice
   * during a sync). Resolves when no sync is running any more.
   */
  syncNow(): Promise<void> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.runOnce();
      } while (this.again && this.pausedFor === null);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Checks a signed manifest as this box must before acting on it; returns it parsed. */
  check(raw: unknown): FleetManifest {
    // The signature is checked on the object as received, then the strict schema; the schema
    // transforms nothing, so the manifest acted on is exactly the one signed.
    if (!verifySignedManifest(raw as SignedManifest, this.opts.serverKey)) {
      throw new ManifestRefused('the manifest signature does not verify with the server key');
    }
    const parsed = signedManifest.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ManifestRefused(`malformed manifest: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    const m = parsed.data.manifest;
    if (m.boxId !== this.opts.auth.boxId) {
      throw new ManifestRefused(`the manifest is for box ${m.boxId}, not this one`);
    }
    const current = this.lastManifest()?.version ?? 0;
    if (m.version < current) {
      throw new ManifestRefused(`manifest version ${m.version} is older than ${current}`);
    }
    if (Date.parse(m.expiresAt) <= this.now().getTime()) {
      throw new ManifestRefused(`the manifest expired at ${m.expiresAt}`);
    }
    return m;
  }

  private async runOnce(): Promise<void> {
    if (this.pausedFor !== null) {
      this.update({ phase: 'paused', detail: this.pausedFor });
      return;
    }
    this.update({ phase: 'checking', detail: null });
    const steps = new SyncSteps();
    try {
      const raw = await this.opts.client.signed(
        'GET',
        '/api/v1/box/manifest',
        z.unknown(),
        this.opts.auth,
      );
      const manifest = this.check(raw);
      steps.mark('manifest');
      await this.apply(manifest, raw as SignedManifest, steps);
    } catch (err) {
      if (this.pausedFor !== null) {
        this.update({ phase: 'paused', detail: this.pausedFor, targetVersion: null });
        return;
      }
      if (err instanceof FleetError && err.status === 404) {
        // Nothing assigned to this box yet: a normal state, not a failure.
        this.update({
          phase: 'idle',
          detail: 'no content assigned to this box yet',
          targetVersion: null,
        });
        return;
      }
      const message = (err as Error).message;
      this.opts.log.error({ err }, 'content sync failed');
      this.update({ phase: 'failed', detail: message, targetVersion: null });
      if (!(err instanceof ManifestRefused)) throw err;
    }
  }

  private async apply(
    manifest: FleetManifest,
    signed: SignedManifest,
    steps: SyncSteps,
  ): Promise<void> {
    const needed = [
      ...manifest.tracks.map((t) => ({ sha256: t.sha256, size: t.size })),
      ...manifest.graphics.map((g) => ({ sha256: g.sha256, size: g.size })),
    ];
    const unique = [...new Map(needed.map((n) => [n.sha256, n])).values()];
    const missing = await this.missingBlobs(unique);
    const total = missing.reduce((sum, b) => sum + b.size, 0);
    this.update({
      phase: 'downloading',
      targetVersion: manifest.version,
      files: { done: 0, total: missing.length },
      bytes: { done: 0, total },
    });
    // A few downloads at a time: one blob's fdatasync and rename overlap the next one's bytes.
    /** Bytes of finished blobs plus those received of the ones in flight. */
    let doneBytes = 0;
    let doneFiles = 0;
    const queue = [...missing];
    steps.mark('compared');
    const worker = async (): Promise<void> => {
      for (let blob = queue.shift(); blob !== undefined; blob = queue.shift()) {
        let counted = 0;
        await this.fetchBlob(blob, (written) => {
          if (doneBytes === 0) steps.mark('firstBytes');
          doneBytes += written - counted;
          counted = written;
          this.update({ bytes: { done: doneBytes, total } }, true);
        });
        doneBytes += blob.size - counted;
        doneFiles += 1;
        this.update({
          files: { done: doneFiles, total: missing.length },
          bytes: { done: doneBytes, total },
        });
      }
    };
    const workers = Array.from({ length: Math.min(PARALLEL_DOWNLOADS, missing.length) }, worker);
    // Every worker runs to its end before a failure is reported: none is left writing.
    const outcomes = await Promise.allSettled(workers);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    // Each blob was fdatasynced before its rename, so a name never holds a torn blob; the
    // renames themselves become durable here, with one fsync of the folder for the whole
    // batch, before the library transaction below refers to any of them. A crash before this
    // point loses at most some renames: those blobs are fetched again, nothing else changed.
    steps.mark('blobs');
    if (missing.length > 0) await syncDir(this.blobsDir);
    steps.mark('dirSynced');
    this.update({ phase: 'installing' });
    await installManifest(
      { db: this.opts.db, library: this.opts.library, blobsDir: this.blobsDir, log: this.opts.log },
      manifest,
      signed,
      this.now(),
    );
    steps.mark('installed');
    this.opts.changed();
    // The manifest is in: the box shows it now. Deleting what it no longer lists is
    // housekeeping, done before the sync ends (a next sync waits for it) but not waited for.
    this.update({
      phase: 'idle',
      manifestVersion: manifest.version,
      targetVersion: null,
      detail: null,
      lastSyncAt: this.now().toISOString(),
    });
    await collectGarbage(
      [this.blobsDir, this.partialDir],
      manifest,
      this.opts.inUse(),
      this.opts.log,
    );
    steps.mark('collected');
    this.opts.log.info(
      {
        version: manifest.version,
        files: missing.length,
        bytes: total,
        startedAt: steps.startedAt,
        ms: steps.offsets(),
      },
      'content sync done',
    );
  }

  /**
   * The blobs not on disk at their full size. The folder is listed once and only the names in
   * it are looked at (all at once): a new box, or a manifest of new tracks, costs one readdir
   * instead of a stat per blob, one after the other, before the first byte is asked for.
   */
  private async missingBlobs<B extends { sha256: string; size: number }>(
    blobs: readonly B[],
  ): Promise<B[]> {
    const names = new Set(await readdir(this.blobsDir).catch(() => [] as string[]));
    const sizes = await Promise.all(
      blobs.map((b) =>
        names.has(b.sha256)
          ? stat(path.join(this.blobsDir, b.sha256)).then(
              (s) => s.size,
              () => -1,
            )
          : -1,
      ),
    );
    return blobs.filter((b, i) => sizes[i] !== b.size);
  }

  /** One blob, with a second try when the bytes were wrong (a flipped bit is fetched again). */
  private async fetchBlob(
    blob: { sha256: string; size: number },
    onBytes: (written: number) => void,
  ): Promise<void> {
    const route = `/api/v1/box/blobs/${blob.sha256}`;
    for (let attempt = 1; ; attempt++) {
      if (this.pausedFor !== null) throw new Error(`paused: ${this.pausedFor}`);
      const abort = new AbortController();
      this.aborts.add(abort);
      try {
        await downloadBlob({
          source: {
            url: `${this.opts.client.server}${route}`,
            headers: () => this.opts.client.signedHeaders(route, this.opts.auth),
          },
          sha256: blob.sha256,
          size: blob.size,
          dir: this.blobsDir,
          partialDir: this.partialDir,
          signal: abort.signal,
          onBytes,
          // One fsync of the folder for the batch, in apply().
          syncDir: false,
        });
        return;
      } catch (err) {
        if (err instanceof BlobIntegrityError && attempt < 3) {
          this.opts.log.warn(
            { sha256: blob.sha256, err: err.message },
            'corrupt blob refused; fetching again',
          );
          continue;
        }
        throw err;
      } finally {
        this.aborts.delete(abort);
      }
    }
  }

  private lastManifest(): { version: number; acceptedAt: string } | null {
    return (
      cachedStatement<[], { version: number; acceptedAt: string }>(
        this.opts.db,
        'SELECT version, accepted_at AS acceptedAt FROM manifests ORDER BY version DESC LIMIT 1',
      ).get() ?? null
    );
  }

  private lastEmit = 0;

  private update(change: Partial<SyncProgress>, throttled = false): void {
    this.progress = { ...this.progress, ...change };
    const now = Date.now();
    if (throttled && now - this.lastEmit < 250) return;
    this.lastEmit = now;
    for (const l of this.listeners) l(this.state);
  }
}

/**
 * When each step of one sync ended, in ms from its start (the start as epoch ms): logged with
 * the sync, so an operator (and the fleet-sync benchmark) sees where the time went.
 */
class SyncSteps {
  readonly startedAt = Date.now();
  readonly #t0 = performance.now();
  readonly #marks: Record<string, number> = {};

  mark(step: string): void {
    this.#marks[step] ??= Math.round(performance.now() - this.#t0);
  }

  offsets(): Record<string, number> {
    return { ...this.#marks };
  }
}
