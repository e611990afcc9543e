import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { BurnerView, RetailConfig } from '@jukebox/protocol';
import type { Logger } from '../log.js';
import type { CreditLedger } from '../money/index.js';
import type { BurnJobs, ClaimedJob } from './jobs.js';
import { orderRef, type OrderTrack, type RetailOrders } from './orders.js';
import type { BuildImage, DownloadGate, PrintDisc, StationBurner } from './station-parts.js';

export type {
  BuildImage,
  BurnProgress,
  DownloadGate,
  PrintableOrder,
  PrintDisc,
  StationBurner,
} from './station-parts.js';

export interface StationOptions {
  config: RetailConfig;
  orders: RetailOrders;
  jobs: BurnJobs;
  ledger: CreditLedger;
  burners: StationBurner[];
  buildImage: BuildImage;
  /** Where a track is read from: a file path, or a loopback URL for an encrypted fleet track. */
  sourceOf: (track: OrderTrack) => string;
  print: PrintDisc | null;
  downloads: DownloadGate | null;
  /** Working images, one folder per order; removed once the disc is made or refunded. */
  workDir: string;
  shopName: string;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Something the UI shows changed (status, progress). */
  changed: () => void;
  /** Tells the customer (a notice on the terminal's screen). */
  notify: (level: 'info' | 'warning' | 'error', message: string) => void;
  formatPrice: (credits: number) => string;
}

/** Attempts cut short by restarts that a job may have before its price is refunded. */
export const MAX_RESTART_RETRIES = 3;

interface BurnerSlot {
  burner: StationBurner;
  job: ClaimedJob | null;
  progress: number | null;
  detail: string | null;
  abort: AbortController | null;
}

/**
 * The burners of the terminal and the jobs they run. Each burner is a worker that takes the
 * next job itself when idle (the seeds' "burners take work"); a job runs assembly, burn,
 * verification, recording and printing, recording an event at each step. A failed attempt is
 * retried on a drive it has not failed on, and when none is left its price goes back to the
 * customer as credit, with a message on the screen: a paid disc is never silently lost.
 */
export class BurnStation {
  private readonly slots: BurnerSlot[];
  private wakeUp: (() => void) | null = null;
  private closed = false;
  private loops: Promise<void>[] = [];
  private pausedBy = 0;
  private lastPublish = 0;

  constructor(private readonly opts: StationOptions) {
    this.slots = opts.burners.map((burner) => ({
      burner,
      job: null,
      progress: null,
      detail: null,
      abort: null,
    }));
  }

  /** Settles jobs a crash cut short, then starts one worker per burner. */
  start(): void {
    // A disc made just before a crash, while its insert printed: the order is complete.
    this.opts.jobs.completeMade();
    for (const job of this.opts.jobs.interrupted()) {
      const reason = 'the terminal restarted during the burn';
      this.opts.jobs.event(job, {
        kind: 'failed',
        burnerId: job.burnerId ?? undefined,
        detail: reason,
      });
      // Not the drive's fault: it may take the job again.
      this.afterFailure(job, null, reason);
    }
    this.loops = this.slots.map((slot) => this.work(slot));
  }

  /** A new job was queued: idle burners look for it. */
  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  /** Burn progress of an order, 0-1, while a burner works on it. */
  progressOf(orderId: number): number | null {
    return this.slots.find((s) => s.job?.orderId === orderId)?.progress ?? null;
  }

  burners(): BurnerView[] {
    return this.slots.map((s) => ({
      id: s.burner.id,
      driver: s.burner.driver,
      state: s.job === null ? 'idle' : 'working',
      trackingNumber: s.job?.trackingNumber ?? null,
      progress: s.progress,
      detail: s.detail,
    }));
  }

  /** Stops taking jobs and aborts those running; they are retried at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) slot.abort?.abort();
    this.wake();
    await Promise.all(this.loops);
  }

  private async work(slot: BurnerSlot): Promise<void> {
    while (!this.closed) {
      const job = this.opts.jobs.claim(slot.burner.id);
      if (job === null) {
        await new Promise<void>((resolve) => {
          const previous = this.wakeUp;
          this.wakeUp = () => {
            previous?.();
            resolve();
          };
        });
        continue;
      }
      slot.job = job;
      slot.abort = new AbortController();
      this.opts.changed();
      try {
        await this.run(slot, job, slot.abort.signal);
      } catch (err) {
        // run() handles the job's own failures; this is a bug or a database failure.
        this.opts.log.error({ err, order: job.trackingNumber }, 'burn job failed unexpectedly');
      } finally {
        slot.job = null;
        slot.abort = null;
        slot.progress = null;
        slot.detail = null;
        this.opts.changed();
      }
      // Another burner may now take a job this one failed.
      this.wake();
    }
  }

  private async run(slot: BurnerSlot, job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const { orders, jobs, log } = this.opts;
    const burnerId = slot.burner.id;
    const order = orders.recordById(job.orderId);
    if (order === null) throw new Error(`order ${job.orderId} is gone`);
    const tracks = orders.tracks(job.orderId);
    const workDir = path.join(this.opts.workDir, `${order.trackingNumber}-${job.attempt}`);
    let paused = false;
    let made = false;
    try {
      slot.detail = 'preparing the disc image';
      this.opts.changed();
      const image = await this.opts.buildImage({
        tracks: tracks.map((t) => ({
          source: this.opts.sourceOf(t),
          title: t.title,
          performer: t.artist,
          ...(t.isrc === null ? {} : { isrc: t.isrc }),
        })),
        title: order.title,
        performer: this.opts.config.performer,
        ...(this.opts.config.mcn === undefined ? {} : { mcn: this.opts.config.mcn }),
        recordingId: order.recordingId,
        outDir: workDir,
        media: this.opts.config.media,
        signal,
      });
      jobs.event(job, {
        kind: 'image-assembled',
        burnerId,
        detail: `${tracks.length} tracks, ${image.totalSectors} sectors`,
      });
      paused = true;
      jobs.event(job, {
        kind: 'downloads-paused',
        burnerId,
        detail: this.pauseDownloads(order.trackingNumber),
      });
      jobs.setStatus(job.orderId, 'burning', `Burning on drive ${burnerId}`);
      jobs.event(job, { kind: 'burn-started', burnerId });
      const startedAt = new Date().toISOString();
      slot.progress = 0;
      slot.detail = 'burning';
      this.opts.changed();
      const result = await slot.burner.burn(
        { tocPath: image.tocPath, label: `${order.trackingNumber}-${order.recordingId}` },
        {
          signal,
          onProgress: (p) => {
            slot.progress = Math.min(1, Math.max(0, p.fraction));
            slot.detail = p.detail ?? p.phase;
            this.publishThrottled();
          },
        },
      );
      jobs.event(job, {
        kind: 'burn-finished',
        burnerId,
        detail: `${Math.round(result.durationMs / 1000)} s`,
      });
      jobs.setStatus(job.orderId, 'verifying', 'Checking the disc');
      if (result.verified) jobs.event(job, { kind: 'verified', burnerId });
      const recordingNumber = jobs.recording(job, {
        recordingId: order.recordingId,
        burnerId,
        mediaSerial: result.mediaSerial,
        outputDir: result.outputDir,
        startedAt,
      });
      // The disc exists: from here on the job is never burned again, whatever happens.
      jobs.finish(job.orderId, 'done');
      made = true;
      log.info({ order: order.trackingNumber, burnerId, recordingNumber }, 'disc made');
      this.resumeIfLast(job, paused);
      paused = false;
      await rm(workDir, { recursive: true, force: true });
      slot.detail = 'printing the insert';
      this.opts.changed();
      await this.print(job, order.trackingNumber);
      jobs.setStatus(job.orderId, 'done', 'Your CD is ready');
      jobs.event(job, { kind: 'completed', burnerId });
      this.opts.notify('info', `Your CD "${order.title}" is ready.`);
    } catch (err) {
      if (paused) this.resumeIfLast(job, paused);
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
      if (made) {
        // Something after the disc was made failed (cleaning up, a status write): the customer
        // has the disc; it is neither burned again nor refunded.
        log.error({ err, order: order.trackingNumber }, 'finishing a made disc failed');
        jobs.setStatus(job.orderId, 'done', 'Your CD is ready');
        return;
      }
      // A shutdown is not the drive's fault: the job stays running and start() retries it.
      if (this.closed && signal.aborted) return;
      const reason = (err as Error).message || String(err);
      log.warn({ err, order: order.trackingNumber, burnerId }, 'burn attempt failed');
      jobs.event(job, { kind: 'failed', burnerId, detail: reason });
      this.afterFailure(job, burnerId, reason);
    }
  }

  /** Retry on a drive not tried yet, or refund the price as credit and tell the customer. */
  private afterFailure(job: ClaimedJob, failedOn: string | null, reason: string): void {
    const { orders, jobs, config } = this.opts;
    const order = orders.recordById(job.orderId);
    if (order === null) return;
    const ids = this.slots.map((s) => s.burner.id);
    const untried = jobs.untried(job.orderId, ids).filter((id) => id !== failedOn);
    // Drive failures count against `maxAttempts`; restarts are not the disc's fault and get
    // their own bound, so a job that itself crashes the terminal cannot loop for ever.
    const driveFailures = jobs.triedCount(job.orderId) + (failedOn === null ? 0 : 1);
    const restarts = job.attempt - driveFailures;
    const canRetry =
      failedOn === null
        ? restarts <= MAX_RESTART_RETRIES
        : driveFailures < config.maxAttempts && untried.length > 0;
    if (canRetry) {
      jobs.event(job, {
        kind: 'retry',
        detail: failedOn === null ? 'after a restart' : `on drive ${untried.join(' or ')}`,
      });
      jobs.requeue(job.orderId, failedOn, 'Trying again on another drive');
      this.opts.notify('warning', `Your CD "${order.title}" is being burned again.`);
      this.wake();
      return;
    }
    const refund = this.opts.ledger.refund(
      order.price,
      `disc ${order.trackingNumber} could not be burned: ${reason}`.slice(0, 200),
      orderRef(order.trackingNumber),
    );
    const money = this.opts.formatPrice(order.price);
    jobs.event(job, {
      kind: 'refunded',
      detail: refund.ok ? `${order.price} credits` : `refund refused: ${refund.error.message}`,
    });
    jobs.finish(job.orderId, 'refunded');
    jobs.setStatus(
      job.orderId,
      'refunded',
      `Sorry, the disc could not be burned. ${money} went back to your credit.`,
    );
    this.opts.notify(
      'error',
      `Sorry, your CD "${order.title}" could not be burned. ${money} went back to your credit.`,
    );
  }

  private async print(job: ClaimedJob, trackingNumber: string): Promise<void> {
    if (this.opts.print === null) return;
    const order = this.opts.orders.recordById(job.orderId);
    if (order === null) return;
    const tracks = this.opts.orders.tracks(job.orderId);
    try {
      const r = await this.opts.print({
        trackingNumber,
        title: order.title,
        performer: this.opts.config.performer,
        tracks: tracks.map((t) => ({ title: t.title, artist: t.artist, durationMs: t.durationMs })),
        totalMs: order.durationMs,
        placedAt: new Date(order.placedAt),
        shopName: this.opts.shopName,
        recordingId: order.recordingId,
      });
      this.opts.jobs.event(job, { kind: 'printed', detail: r.detail });
    } catch (err) {
      const detail = (err as Error).message;
      this.opts.log.error({ err, order: trackingNumber }, 'printing the insert failed');
      this.opts.jobs.event(job, { kind: 'print-failed', detail });
      this.opts.notify('warning', 'The case insert could not be printed; staff will help.');
    }
  }

  /** Pauses sync downloads for a burn; returns the event's detail, if any. */
  private pauseDownloads(trackingNumber: string): string | undefined {
    this.pausedBy += 1;
    if (this.opts.downloads === null) return 'this terminal has no fleet link';
    if (this.pausedBy > 1) return 'already paused for another disc';
    this.opts.downloads.pause(`burning disc ${trackingNumber}`);
    return undefined;
  }

  /** Resumes downloads once the last burn is over (recorded on the job that resumed them). */
  private resumeIfLast(job: ClaimedJob, paused: boolean): void {
    if (!paused) return;
    this.pausedBy = Math.max(0, this.pausedBy - 1);
    if (this.pausedBy > 0) return;
    this.opts.downloads?.resume();
    this.opts.jobs.event(job, {
      kind: 'downloads-resumed',
      ...(this.opts.downloads === null ? { detail: 'this terminal has no fleet link' } : {}),
    });
  }

  private publishThrottled(): void {
    const now = Date.now();
    if (now - this.lastPublish < 250) return;
    this.lastPublish = now;
    this.opts.changed();
  }
}
