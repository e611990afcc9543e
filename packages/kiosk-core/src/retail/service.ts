import path from 'node:path';
import {
  MEDIA_SECTORS,
  RED_BOOK,
  fail,
  moneyText,
  normaliseTrackingNumber,
  ok,
  type ApiResult,
  type KioskConfig,
  type OrderView,
  type RetailState,
} from '@jukebox/protocol';
import type { MediaTools } from '@jukebox/media';
import type { Db } from '../db/index.js';
import type { Library } from '../library/index.js';
import type { Logger } from '../log.js';
import type { CreditLedger } from '../money/index.js';
import type { ContentKeys } from '../sync/content-keys.js';
import type { TelemetryOutbox } from '../telemetry/index.js';
import { BurnJobs } from './jobs.js';
import { RetailOrders, type OrderTrack, type PlaceOrderInput } from './orders.js';
import { PreviewCache } from './previews.js';
import {
  BurnStation,
  type BuildImage,
  type DownloadGate,
  type PrintDisc,
  type StationBurner,
} from './station.js';
import { Vouchers } from './vouchers.js';

/** Orders the UI lists (the current one and a few before it). */
const RECENT_ORDERS = 5;
/** How long a loopback URL of an encrypted track stays valid for the image builder. */
const SOURCE_TTL_MS = 2 * 3600 * 1000;

export interface RetailServiceOptions {
  db: Db;
  config: KioskConfig;
  ledger: CreditLedger;
  outbox: TelemetryOutbox;
  library: Library;
  content: Pick<ContentKeys, 'url'>;
  tools: MediaTools;
  burners: StationBurner[];
  buildImage: BuildImage;
  print: PrintDisc | null;
  downloads: DownloadGate | null;
  log: Logger;
  changed: () => void;
  notify: (level: 'info' | 'warning' | 'error', message: string) => void;
}

/**
 * The retail CD terminal inside the core: orders and vouchers, the burn station and the
 * previews, behind the kiosk API's retail methods.
 */
export class RetailService {
  readonly orders: RetailOrders;
  readonly vouchers: Vouchers;
  readonly jobs: BurnJobs;
  readonly station: BurnStation;
  private readonly previews: PreviewCache;

  constructor(private readonly opts: RetailServiceOptions) {
    const { db, config, ledger, outbox } = opts;
    this.orders = new RetailOrders(db, ledger, outbox, config.retail, config.money.currency);
    this.vouchers = new Vouchers(db, ledger);
    this.jobs = new BurnJobs(db, outbox);
    this.previews = new PreviewCache(
      path.join(config.dataDir, 'previews'),
      config.retail.previewSeconds,
      opts.tools,
    );
    this.station = new BurnStation({
      config: config.retail,
      orders: this.orders,
      jobs: this.jobs,
      ledger,
      burners: opts.burners,
      buildImage: opts.buildImage,
      sourceOf: (t) => this.sourceOf(t),
      print: opts.print,
      downloads: opts.downloads,
      workDir: path.join(config.dataDir, 'retail', 'work'),
      shopName: config.box.name,
      log: opts.log.child({ part: 'burn' }),
      changed: opts.changed,
      notify: opts.notify,
      formatPrice: (credits) => this.formatPrice(credits),
    });
  }

  start(): void {
    this.station.start();
  }

  close(): Promise<void> {
    return this.station.close();
  }

  state(): RetailState {
    const r = this.opts.config.retail;
    return {
      media: r.media,
      capacitySectors: MEDIA_SECTORS[r.media],
      pricing: { ...r.pricing },
      limits: {
        maxTracks: RED_BOOK.maxTracks,
        minTrackMs: (RED_BOOK.minTrackSectors * 1000) / RED_BOOK.sectorsPerSecond,
      },
      burners: this.station.burners(),
      trackingPage:
        this.opts.config.fleet.server === undefined
          ? null
          : `${this.opts.config.fleet.server.replace(/\/$/, '')}/orders/`,
      orders: this.orders.recent(RECENT_ORDERS, (id) => this.station.progressOf(id)),
    };
  }

  place(input: PlaceOrderInput): ApiResult<OrderView> {
    const result = this.orders.place(input);
    if (result.ok) {
      this.opts.log.info(
        { order: result.value.trackingNumber, tracks: result.value.trackCount },
        'disc ordered',
      );
      this.station.wake();
      this.opts.changed();
    }
    return result;
  }

  redeem(code: string): ApiResult<{ credits: number; balance: number }> {
    const result = this.vouchers.redeem(code);
    if (result.ok) this.opts.changed();
    return result;
  }

  order(typed: string): ApiResult<OrderView> {
    const trackingNumber = normaliseTrackingNumber(typed);
    const row = this.orders.record(trackingNumber);
    if (row === null)
      return fail('not_found', `There is no order ${trackingNumber} on this terminal.`);
    const view = this.orders.view(trackingNumber);
    if (view === null) return fail('not_found', `There is no order ${trackingNumber}.`);
    return ok({
      ...view,
      progress: view.status === 'burning' ? this.station.progressOf(row.id) : null,
    });
  }

  /** The preview file of a track (cut on first request); null for an unknown track. */
  previewFile(trackId: number): Promise<string | null> {
    return this.previews.file(trackId, () => {
      const playable = this.opts.library.playable(trackId);
      if (playable === null) return null;
      return {
        input:
          playable.encryption === null
            ? playable.path
            : this.opts.content.url(playable.path, playable.encryption, 10 * 60 * 1000),
        durationMs: playable.durationMs,
      };
    });
  }

  /** Money as the customer reads it: one credit is `centsPerCredit` minor units. */
  formatPrice(credits: number): string {
    const { currency, minorUnit, table } = this.opts.config.money;
    const centsPerCredit = Math.min(...table.map((r) => r.valueCents / r.credits));
    return moneyText(credits * centsPerCredit, { currency, minorUnit });
  }

  private sourceOf(track: OrderTrack): string {
    const playable = this.opts.library.playable(track.trackId);
    if (playable === null) {
      throw new Error(`"${track.title}" is no longer in this terminal's library`);
    }
    if (playable.encryption === null) return playable.path;
    return this.opts.content.url(playable.path, playable.encryption, SOURCE_TTL_MS);
  }
}
