import type {
  MoneyConfig,
  MoneyDeviceConfig,
  MoneyDeviceStatus,
  MoneyFeedback,
  MoneyState,
  MoneyTotalsStatus,
} from '@jukebox/protocol';
import type {
  CreditEvent,
  FaultEvent,
  MoneyDevice,
  MoneyDeviceInfo,
  MoneyEvent,
} from '@jukebox/firmware-hal/money';
import type { Db } from '../db/index.js';
import type { Logger } from '../log.js';
import { DeviceCheckpoints } from './checkpoints.js';
import { moneyHealth } from './health.js';
import type { CreditLedger } from './ledger.js';

/** An acceptor from the config with the driver instance built for it. */
export interface ConfiguredDevice {
  config: Pick<MoneyDeviceConfig, 'id' | 'driver'>;
  device: MoneyDevice;
}

/** What the service tells the jukebox: feedback for the UI, or "credits/health changed". */
export type MoneyUpdate = { type: 'feedback'; feedback: MoneyFeedback } | { type: 'changed' };

export interface MoneyServiceOptions {
  db: Db;
  ledger: CreditLedger;
  pricing: Pick<MoneyConfig, 'table'>;
  devices: readonly ConfiguredDevice[];
  log: Logger;
  /** First delay before retrying a failed open; doubles up to 60 s. */
  reopenDelayMs?: number;
}

interface Slot extends ConfiguredDevice {
  status: MoneyDeviceStatus;
  info: MoneyDeviceInfo | null;
  unsubscribe: () => void;
  retryMs: number;
  timer: NodeJS.Timeout | null;
}

const MAX_REOPEN_MS = 60_000;

/**
 * Runs the box's acceptors: opens each with the checkpoint stored for it, enables only the
 * denominations the price table prices, turns credit events into ledger credits (exactly
 * once, checkpoint in the same transaction), rejects into UI feedback and faults into the
 * money health the UI shows. Money stays master-inhibited while the box cannot play, so
 * nobody pays for a song the box cannot give.
 */
export class MoneyService {
  private readonly slots: Slot[];
  private readonly checkpoints: DeviceCheckpoints;
  private readonly listeners = new Set<(update: MoneyUpdate) => void>();
  private accepting = true;
  private closed = false;

  constructor(private readonly opts: MoneyServiceOptions) {
    this.checkpoints = new DeviceCheckpoints(opts.db);
    this.slots = opts.devices.map((d) => ({
      ...d,
      status: {
        id: d.config.id,
        driver: d.config.driver,
        unit: null,
        state: 'opening',
        fault: null,
        inhibited: true,
      },
      info: null,
      unsubscribe: d.device.onEvent((e) => this.onDeviceEvent(slotOf(this.slots, d), e)),
      retryMs: opts.reopenDelayMs ?? 5_000,
      timer: null,
    }));
  }

  /** Opens every acceptor. Never rejects: a unit that fails to open is retried with backoff. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.open(s)));
  }

  /**
   * `false` master-inhibits every acceptor (the box cannot play: the sink died, shutdown);
   * `true` lets the enabled denominations in again.
   */
  async setAccepting(accepting: boolean): Promise<void> {
    this.accepting = accepting;
    await Promise.all(this.slots.filter((s) => s.info).map((s) => this.applyInhibit(s)));
  }

  /** Inhibits and closes every acceptor; no event is handled afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.accepting = false;
    await Promise.all(this.slots.filter((s) => s.info).map((s) => this.applyInhibit(s)));
    this.closed = true;
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.timer) clearTimeout(s.timer);
        s.unsubscribe();
        await s.device.close().catch((err: unknown) => {
          this.opts.log.warn({ err, device: s.config.id }, 'money device close failed');
        });
      }),
    );
  }

  /** Coins/notes health and the line the UI shows. */
  state(): MoneyState {
    return moneyHealth(this.devices());
  }

  /** Each configured acceptor's state, for the status page. */
  devices(): MoneyDeviceStatus[] {
    return this.slots.map((s) => ({ ...s.status }));
  }

  /** Money in the cash box since the last collection. */
  totals(): MoneyTotalsStatus {
    const t = this.opts.ledger.totalsSinceCollection();
    return {
      sinceCollection: t.since?.at ?? null,
      totalCents: t.totalCents,
      count: t.count,
      byDenomination: t.byDenomination,
    };
  }

  onUpdate(listener: (update: MoneyUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async open(s: Slot): Promise<void> {
    if (this.closed) return;
    const stored = this.checkpoints.get(s.config.id);
    const log = this.opts.log.child({ device: s.config.id });
    try {
      const info = await s.device.open({
        device: stored?.unit ?? null,
        checkpoint: stored?.checkpoint ?? null,
      });
      if (this.closed) return;
      if (stored && stored.unit !== info.id) {
        log.warn({ was: stored.unit, now: info.id }, 'money device replaced by another unit');
      }
      s.info = info;
      s.retryMs = this.opts.reopenDelayMs ?? 5_000;
      this.setStatus(s, { unit: info.id, state: 'ready', fault: null });
      log.info({ unit: info.id }, 'money device open');
      await this.configure(s);
    } catch (err) {
      if (this.closed) return;
      log.error({ err, retryInMs: s.retryMs }, 'money device did not open; will retry');
      this.setStatus(s, { state: 'offline', fault: (err as Error).message });
      s.timer = setTimeout(() => {
        s.timer = null;
        void this.open(s);
      }, s.retryMs);
      s.timer.unref();
      s.retryMs = Math.min(s.retryMs * 2, MAX_REOPEN_MS);
    }
  }

  /** Enables the priced denominations and applies the master inhibit. */
  private async configure(s: Slot): Promise<void> {
    if (!s.info) return;
    const priced = new Set(this.opts.pricing.table.map((r) => r.valueCents));
    const [enabled, unpriced] = partition(s.info.denominations, (d) => priced.has(d.valueCents));
    if (unpriced.length > 0) {
      this.opts.log.warn(
        { device: s.config.id, values: unpriced.map((d) => d.valueCents) },
        'denominations with no price rule stay inhibited',
      );
    }
    try {
      await s.device.setEnabledDenominations(enabled.map((d) => d.position));
    } catch (err) {
      this.opts.log.error({ err, device: s.config.id }, 'could not set enabled denominations');
    }
    await this.applyInhibit(s);
  }

  private async applyInhibit(s: Slot): Promise<void> {
    const inhibit = !this.accepting;
    try {
      await s.device.setMasterInhibit(inhibit);
      this.setStatus(s, { inhibited: inhibit });
    } catch (err) {
      this.opts.log.error({ err, device: s.config.id, inhibit }, 'master inhibit not applied');
    }
  }

  private onDeviceEvent(s: Slot, e: MoneyEvent): void {
    if (this.closed) return;
    const log = this.opts.log.child({ device: s.config.id, unit: e.device });
    try {
      if (e.type === 'credit') {
        this.onCredit(s, e);
        return;
      }
      if (e.checkpoint !== undefined) {
        this.checkpoints.save(s.config.id, { unit: e.device, checkpoint: e.checkpoint });
      }
      if (e.type === 'checkpoint') {
        log.debug({ detail: e.detail }, 'money device checkpoint');
      } else if (e.type === 'reject') {
        log.info({ reason: e.reason, code: e.code, detail: e.detail }, 'money rejected');
        this.emit({
          type: 'feedback',
          feedback: { kind: 'rejected', acceptor: acceptorOf(s), reason: e.reason },
        });
      } else if (e.type === 'fault') {
        this.onFault(s, e);
      } else {
        const wasDown = s.status.state === 'offline' || s.status.state === 'out-of-order';
        this.setStatus(s, { state: e.state, ...(e.state === 'ready' ? { fault: null } : {}) });
        log.info({ state: e.state, detail: e.detail }, 'money device state');
        // A unit back from a power cycle or an unplug may have lost its inhibit settings.
        if ((e.state === 'reset' || (wasDown && e.state === 'ready')) && s.info) {
          void this.configure(s).then(() => {
            // A power cycle is how a jam is cleared: once set up again the unit is ready, and
            // the fault it had before the reset no longer holds (it reports a new one if so).
            if (e.state === 'reset' && s.status.state === 'reset') {
              this.setStatus(s, { state: 'ready', fault: null });
            }
          });
        }
      }
    } catch (err) {
      // A database failure: the event is not acknowledged anywhere, and the checkpoint the
      // driver reconciles from at the next open still predates it, so nothing is lost.
      log.error({ err, event: e.type }, 'money event could not be recorded');
    }
  }

  private onCredit(s: Slot, e: CreditEvent): void {
    // Totals are kept per denomination: one stable name per value and kind of acceptor, the
    // same whether the credit came during open() (coins taken while the core was down) or later.
    const denomination = `${acceptorOf(s)}:${e.valueCents}`;
    const outcome = this.checkpoints.credit(
      this.opts.ledger,
      {
        device: s.config.id,
        // Unit-qualified, so a replacement unit restarting its counters cannot collide with
        // the ids its predecessor used under the same configured device.
        deviceEventId: `${e.device}/${e.deviceEventId}`,
        valueCents: e.valueCents,
        denomination,
      },
      { unit: e.device, checkpoint: e.checkpoint },
    );
    const log = this.opts.log.child({ device: s.config.id, eventId: e.deviceEventId });
    if (!outcome.ok) {
      log.error(
        { alarm: 'money-not-credited', valueCents: e.valueCents, error: outcome.error },
        'device took money the price table does not credit',
      );
      return;
    }
    if (outcome.value.status === 'duplicate') {
      log.info({ seq: outcome.value.seq }, 'replayed credit ignored');
      return;
    }
    const { entry } = outcome.value;
    log.info({ seq: entry.seq, valueCents: e.valueCents, credits: entry.credits }, 'credit');
    this.emit({
      type: 'feedback',
      feedback: {
        kind: 'accepted',
        acceptor: acceptorOf(s),
        valueCents: e.valueCents,
        credits: entry.credits,
      },
    });
    this.emit({ type: 'changed' });
  }

  private onFault(s: Slot, e: FaultEvent): void {
    const fault = `${e.reason}${e.detail ? `: ${e.detail}` : ''}`;
    const fields = { device: s.config.id, reason: e.reason, code: e.code, detail: e.detail };
    if (e.reason === 'events-lost') {
      // The money alarm: the unit saw coins the box cannot account for. Never guessed.
      this.opts.log.error({ ...fields, alarm: 'money-events-lost', lost: e.lost }, 'money lost');
    } else {
      this.opts.log.warn({ ...fields, fatal: e.fatal }, 'money device fault');
    }
    let state = s.status.state;
    if (e.reason === 'disconnected') state = 'offline';
    else if (e.fatal) state = 'out-of-order';
    this.setStatus(s, { state, fault });
  }

  private setStatus(s: Slot, change: Partial<MoneyDeviceStatus>): void {
    const before = JSON.stringify(s.status);
    s.status = { ...s.status, ...change };
    if (JSON.stringify(s.status) !== before) this.emit({ type: 'changed' });
  }

  private emit(update: MoneyUpdate): void {
    for (const l of this.listeners) l(update);
  }
}

function slotOf(slots: readonly Slot[], d: ConfiguredDevice): Slot {
  const s = slots.find((x) => x.device === d.device);
  if (!s) throw new Error(`money device ${d.config.id} has no slot`);
  return s;
}

function partition<T>(items: readonly T[], keep: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const i of items) (keep(i) ? yes : no).push(i);
  return [yes, no];
}

/** Coin acceptors speak ccTalk, note validators eSSP (the UI words its feedback by it). */
function acceptorOf(s: Slot): 'coin' | 'note' {
  return s.config.driver === 'essp' ? 'note' : 'coin';
}
