import type { Kysely } from 'kysely';
import type { BoxLinkService } from '../box-link/service.js';
import type { Clock } from '../clock.js';
import type { FleetConfig } from '../config.js';
import type { FleetDatabase } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { BlobStore } from './blobs/types.js';
import { LocalBlobStore } from './blobs/local.js';
import { CatalogService } from './catalog/catalog.js';
import { GraphicService } from './catalog/graphics.js';
import { CatalogIngest } from './catalog/ingest.js';
import { ContentKeySealer, secretFromKeyFile } from './master-key.js';
import { markBoxes } from './manifests/dirty.js';
import { ManifestIssuer } from './manifests/issuer.js';
import { BoxManifestReader } from './manifests/reader.js';
import { ContentSetService } from './sets/service.js';
import { contentSettings, type ContentSettings } from './settings.js';

export interface ContentDeps {
  config: FleetConfig;
  db: Kysely<FleetDatabase>;
  clock: Clock;
  log: Logger;
  link: BoxLinkService;
  /** Default: from the environment (settings.ts). */
  settings?: ContentSettings;
  /** Default: the local folder `config.blobDir`. */
  blobs?: BlobStore;
}

/**
 * The content side: catalog ingest, the blob store, content sets, signed per-box manifests.
 *
 * - `blobs`: the content-addressed store every file lives in;
 * - `catalog` / `ingest` / `graphics`: the master catalog and uploads into it;
 * - `sets`: content sets and their assignment to boxes and routes;
 * - `manifests`: the job that issues manifests (`run()` now, `kick()` in the background);
 * - `issued`: reading issued manifests (what a box is served and may download).
 */
export class ContentService {
  readonly settings: ContentSettings;
  readonly blobs: BlobStore;
  readonly catalog: CatalogService;
  readonly ingest: CatalogIngest;
  readonly graphics: GraphicService;
  readonly sets: ContentSetService;
  readonly manifests: ManifestIssuer;
  readonly issued: BoxManifestReader;
  #sealer: Promise<ContentKeySealer> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopListening: (() => void) | undefined;

  constructor(readonly deps: ContentDeps) {
    const { config, db, clock, log, link } = deps;
    this.settings = deps.settings ?? contentSettings(config);
    this.blobs = deps.blobs ?? new LocalBlobStore(config.blobDir);
    const sealer = () => this.sealer();
    // The same master key seals the server's own signing key at rest.
    link.useKeySealer(sealer);
    this.catalog = new CatalogService(db, clock);
    this.ingest = new CatalogIngest({
      db,
      clock,
      log,
      blobs: this.blobs,
      catalog: this.catalog,
      sealer,
      workDir: this.settings.workDir,
      maxConcurrent: this.settings.maxConcurrentIngests,
    });
    this.graphics = new GraphicService(db, clock, this.blobs);
    this.manifests = new ManifestIssuer({
      db,
      clock,
      log: log.child({ module: 'manifests' }),
      lifetimeMs: this.settings.manifestLifetimeMs,
      renewAheadMs: this.settings.renewAheadMs,
      sealer,
      signingKey: async () => (await link.serverSigningKey()).privateKey,
      notify: (boxId, version) => link.notifyManifest(boxId, version),
    });
    this.sets = new ContentSetService(db, clock, () => this.manifests.kick());
    this.issued = new BoxManifestReader(db);
  }

  /**
   * The master key sealing content keys: from FLEET_CONTENT_KEY_SECRET, else from the key
   * file (made on first use, with a warning: losing it loses every track).
   */
  sealer(): Promise<ContentKeySealer> {
    this.#sealer ??= (async () => {
      if (this.settings.masterSecret)
        return ContentKeySealer.fromSecret(this.settings.masterSecret);
      const { secret, created } = await secretFromKeyFile(this.settings.masterKeyFile);
      if (created) {
        this.deps.log.warn(
          { file: this.settings.masterKeyFile },
          'FLEET_CONTENT_KEY_SECRET is not set: made a content master key file; back it up ' +
            '(apart from the database backups): losing it loses every track. Every server ' +
            'process needs the same one',
        );
      }
      return ContentKeySealer.fromSecret(secret);
    })().catch((err: unknown) => {
      this.#sealer = undefined;
      throw err;
    });
    return this.#sealer;
  }

  /**
   * Starts the server-side work: the periodic manifest job (renewals, boxes that moved or
   * enrolled), a first run at once, and the box link's hooks. The CLI's one-off commands do
   * not call it.
   */
  start(): void {
    const { link, log, db } = this.deps;
    link.setManifestVersionSource((boxId) => this.issued.newestVersion(boxId));
    this.#stopListening = link.onEnrolled(async ({ boxId }) => {
      // A box enrolled into a route with sets gets its first manifest now, not at the next tick.
      await markBoxes(db, [boxId]);
      this.manifests.kick();
    });
    this.#timer = setInterval(() => this.manifests.kick(), this.settings.jobIntervalMs);
    this.#timer.unref();
    this.manifests.kick();
    log.debug({ intervalMs: this.settings.jobIntervalMs }, 'manifest job started');
  }

  /** Stops the job and waits for a run in progress (before the database closes). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopListening?.();
    await this.manifests.close();
  }
}
