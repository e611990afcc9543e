import { statfs } from 'node:fs/promises';
import type { FleetLinkConfig, TelemetryRecord as WireRecord } from '@jukebox/protocol';
import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';
import type { Library } from '../library/index.js';
import type { Logger } from '../log.js';
import type { TelemetryOutbox } from '../telemetry/index.js';
import { PauseHolders } from './pause-holders.js';
import { ContentSync, type SyncProgress } from './content-sync.js';
import { ControlChannel, type ChannelState } from './control-channel.js';
import { loadEnrollment, saveEnrollment, type StoredEnrollment } from './enrollment-store.js';
import { FleetClient, FleetError } from './fleet-client.js';
import { loadOrCreateIdentity, type LoadedIdentity } from './identity.js';
import { TelemetryUploader } from './telemetry-uploader.js';

export interface SyncAgentOptions {
  config: FleetLinkConfig & { server: string };
  box: { name: string };
  dataDir: string;
  db: Db;
  library: Library;
  outbox: TelemetryOutbox;
  softwareVersion: string;
  log: Logger;
  /** Called when the library or the link's state changed (the UI and status follow). */
  changed: () => void;
}

/** The link as the status page and the operator view show it. */
export interface FleetLinkStatus {
  server: string;
  boxId: string | null;
  /** enrolling, or why enrollment failed; otherwise the control channel's state. */
  link: 'enrolling' | 'refused' | ChannelState;
  detail: string | null;
  sync: SyncProgress | null;
}

/**
 * The box's side of the fleet: enrolls once with the configured one-time code, then keeps the
 * control channel open, uploads the telemetry outbox over it, and syncs content whenever the
 * server announces a manifest (and at every connect, in case a notice was missed while the
 * box was offline). Nothing here blocks the jukebox: a box without a server keeps playing and
 * keeps its telemetry until it can send it.
 */
export class SyncAgent {
  private identity: LoadedIdentity | null = null;
  private enrollment: StoredEnrollment | null = null;
  private channel: ControlChannel | null = null;
  private uploader: TelemetryUploader | null = null;
  private content: ContentSync | null = null;
  private pumpTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private state: FleetLinkStatus['link'] = 'enrolling';
  private detail: string | null = null;
  /** Who holds downloads paused, and why (the operator, a CD burn). */
  private readonly pauses = new PauseHolders();
  private syncRetry: NodeJS.Timeout | null = null;
  private syncFailures = 0;

  constructor(private readonly opts: SyncAgentOptions) {}

  status(): FleetLinkStatus {
    return {
      server: this.opts.config.server,
      boxId: this.enrollment?.boxId ?? null,
      link: this.state === 'refused' ? 'refused' : (this.channel?.state ?? this.state),
      detail: this.detail,
      sync: this.content?.state ?? null,
    };
  }

  /**
   * Pauses content downloads (e.g. while a CD burns); telemetry keeps flowing. Each `holder`
   * (the operator, the burn station) pauses and resumes for itself: downloads go on only when
   * no holder is left, so a burn ending cannot undo the operator's pause, nor the other way.
   */
  pauseDownloads(reason: string, holder = 'operator'): void {
    this.pauses.hold(holder, reason);
    this.content?.pause(reason);
  }

  resumeDownloads(holder = 'operator'): void {
    const still = this.pauses.release(holder);
    if (still === null) this.content?.resume();
    else this.content?.pause(still);
  }

  /** True while some holder keeps downloads paused. */
  downloadsPaused(): boolean {
    return this.pauses.reason() !== null;
  }

  /** Starts in the background; never throws. */
  start(): void {
    void this.run(1).catch((err: unknown) => {
      this.opts.log.error({ err }, 'fleet link stopped');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pumpTimer) clearInterval(this.pumpTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.syncRetry) clearTimeout(this.syncRetry);
    this.channel?.close();
    this.content?.pause('box shutting down');
  }

  private async run(attempt: number): Promise<void> {
    if (this.closed) return;
    const { config, dataDir, log } = this.opts;
    this.identity ??= loadOrCreateIdentity(dataDir);
    if (this.identity.created) log.info('made this box its key pairs (first boot)');
    let enrollment = loadEnrollment(dataDir);
    if (enrollment !== null && enrollment.server !== config.server) {
      log.warn(
        { enrolledWith: enrollment.server, configured: config.server },
        'configured for another fleet server: enrolling again',
      );
      enrollment = null;
    }
    if (enrollment === null) {
      try {
        enrollment = await this.enroll();
      } catch (err) {
        const retryable = !(err instanceof FleetError) || err.retryable;
        this.state = retryable ? 'enrolling' : 'refused';
        this.detail = (err as Error).message;
        this.opts.changed();
        log.error({ err: (err as Error).message, retryable }, 'enrollment failed');
        if (!retryable) return;
        const delay = Math.min(config.maxBackoffSeconds * 1000, 1000 * 2 ** Math.min(attempt, 10));
        this.retryTimer = setTimeout(() => void this.run(attempt + 1), delay);
        this.retryTimer.unref();
        return;
      }
    }
    this.enrollment = enrollment;
    this.detail = null;
    this.connect(enrollment);
  }

  private async enroll(): Promise<StoredEnrollment> {
    const { config, box, dataDir, softwareVersion, log } = this.opts;
    if (config.enrollmentCode === undefined) {
      throw new FleetError(
        'this box is not enrolled: set fleet.enrollmentCode to a code from the fleet console',
        0,
        false,
      );
    }
    const id = this.identity as LoadedIdentity;
    const client = new FleetClient({ server: config.server });
    const answer = await client.enroll({
      code: config.enrollmentCode,
      signingPublicKey: id.signingPublicKey,
      agreementPublicKey: id.agreementPublicKey,
      info: { name: box.name.slice(0, 100), softwareVersion },
      signingKey: id.identity.signing.privateKey,
    });
    const stored: StoredEnrollment = {
      server: config.server,
      boxId: answer.boxId,
      serverSigningPublicKey: answer.serverSigningPublicKey,
      enrolledAt: new Date().toISOString(),
    };
    saveEnrollment(dataDir, stored);
    log.info({ boxId: answer.boxId, server: config.server }, 'box enrolled');
    return stored;
  }

  private connect(enrollment: StoredEnrollment): void {
    const { config, db, library, outbox, log, dataDir } = this.opts;
    const id = this.identity as LoadedIdentity;
    const auth = { boxId: enrollment.boxId, key: id.identity.signing.privateKey };
    const client = new FleetClient({ server: config.server });
    const content = new ContentSync({
      db,
      library,
      client,
      auth,
      serverKey: enrollment.serverSigningPublicKey,
      dataDir,
      log: log.child({ part: 'content-sync' }),
      inUse: () => blobsInUse(db),
      changed: () => {
        library.invalidate();
        this.opts.changed();
      },
    });
    content.onProgress(() => this.opts.changed());
    const pause = this.pauses.reason();
    if (pause !== null) content.pause(pause);
    this.content = content;

    const channel = new ControlChannel({
      server: config.server,
      boxId: enrollment.boxId,
      signingKey: id.identity.signing.privateKey,
      softwareVersion: this.opts.softwareVersion,
      hello: () => ({
        ackedManifestVersion: content.state.manifestVersion,
        lastTelemetrySeq: outbox.lastSeq(),
      }),
      log: log.child({ part: 'control' }),
      maxBackoffMs: config.maxBackoffSeconds * 1000,
      initialBackoffMs: config.initialBackoffMs,
    });
    const uploader = new TelemetryUploader({
      outbox,
      log: log.child({ part: 'telemetry' }),
      batchSize: config.telemetryBatch,
      link: {
        sendBatch: (records: WireRecord[]) => channel.send({ type: 'telemetry', records }),
      },
    });
    this.channel = channel;
    this.uploader = uploader;
    channel.on('open', () => {
      this.opts.changed();
      void this.recordStatus().finally(() => {
        uploader.reset();
        uploader.pump();
      });
      this.syncContent();
    });
    channel.on('down', (reason) => {
      log.info({ reason }, 'control channel down');
      this.opts.changed();
    });
    channel.on('refused', (code, message) => {
      this.state = 'refused';
      this.detail = `${code}: ${message}`;
      this.opts.changed();
    });
    channel.on('message', (m) => {
      if (m.type === 'ack') uploader.acknowledged(m.seq);
      else if (m.type === 'manifest-notice') {
        if (m.version > content.state.manifestVersion) this.syncContent();
      } else if (m.type === 'command') {
        const known = m.name === 'sync-now';
        if (known) this.syncContent();
        void this.statusMessage(m.id, known ? 'ok' : 'unknown-command');
      }
    });
    channel.start();
    this.pumpTimer = setInterval(() => uploader.pump(), 1000);
    this.pumpTimer.unref();
  }

  private syncContent(): void {
    const content = this.content;
    if (content === null || this.closed) return;
    if (this.syncRetry) clearTimeout(this.syncRetry);
    this.syncRetry = null;
    void content.syncNow().then(
      () => {
        if (content.state.phase === 'failed') this.retrySync(content.state.detail);
        else this.syncFailures = 0;
        return this.recordStatus();
      },
      (err: unknown) => this.retrySync((err as Error).message),
    );
  }

  /**
   * A sync that failed (a cut download, a refused manifest, the server away) is tried again
   * after a growing wait, so a box left alone converges without waiting for a notice.
   */
  private retrySync(reason: string | null): void {
    if (this.closed || this.content?.paused) return;
    this.syncFailures += 1;
    const delay = Math.min(300_000, 2000 * 2 ** Math.min(this.syncFailures - 1, 8));
    this.opts.log.warn({ reason, retryInMs: delay }, 'content sync failed; will retry');
    this.syncRetry = setTimeout(() => this.syncContent(), delay);
    this.syncRetry.unref();
  }

  private async statusData() {
    const disk = await statfs(this.opts.dataDir);
    const sync = this.content?.state;
    return {
      software: this.opts.softwareVersion,
      diskFreeBytes: Number(disk.bavail) * Number(disk.bsize),
      diskTotalBytes: Number(disk.blocks) * Number(disk.bsize),
      manifestVersion: sync?.manifestVersion ?? 0,
      ...(sync?.lastSyncAt ? { lastSyncAt: sync.lastSyncAt } : {}),
      libraryTracks: this.opts.library.trackCount(),
    };
  }

  /** A status snapshot goes up with the telemetry (stored, so it survives being offline). */
  private async recordStatus(): Promise<void> {
    try {
      this.opts.outbox.recordStatus(await this.statusData());
      this.uploader?.pump();
    } catch (err) {
      this.opts.log.warn({ err }, 'could not record a status snapshot');
    }
  }

  private async statusMessage(commandId: string, result: 'ok' | 'unknown-command'): Promise<void> {
    this.channel?.send({
      type: 'status',
      status: await this.statusData(),
      commandId,
      commandResult: result,
    });
  }
}

/**
 * Blobs of songs queued or playing, and of discs still to burn: the garbage collector must
 * leave them.
 */
function blobsInUse(db: Db): Set<string> {
  const rows = cachedStatement<[], { sha: string }>(
    db,
    `SELECT DISTINCT t.content_sha256 AS sha FROM queue q JOIN tracks t ON t.id = q.track_id
     WHERE q.state IN ('queued', 'playing') AND t.content_sha256 IS NOT NULL
     UNION
     SELECT t.content_sha256 FROM retail_order_tracks r
       JOIN burn_jobs j ON j.order_id = r.order_id JOIN tracks t ON t.id = r.track_id
     WHERE j.state IN ('queued', 'running') AND t.content_sha256 IS NOT NULL`,
  ).all();
  return new Set(rows.map((r) => r.sha));
}
