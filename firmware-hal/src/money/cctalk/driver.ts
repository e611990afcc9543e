import { SerialLine, type BackoffOptions } from '../serial-line.js';
import type {
  Denomination,
  MoneyDevice,
  MoneyDeviceInfo,
  MoneyEvent,
  MoneyOpenOptions,
} from '../types.js';
import { applyReply } from './apply.js';
import { decodeCheckpoint, type CcTalkCheckpoint } from './checkpoint.js';
import { ADDRESS, type CcTalkChecksum, type CcTalkFrame } from './frame.js';
import {
  MAX_COIN_POSITION,
  parseAck,
  parseAscii,
  parseBufferedCredit,
  parseCoinId,
  parseSerialNumber,
  requests,
  type BufferedCredit,
  type CcTalkRequest,
  type ReplyResult,
} from './headers.js';
import { CcTalkLink } from './link.js';

/** Configuration of one ccTalk coin acceptor. */
export interface CcTalkDriverOptions {
  /** Serial device path (a /dev/serial/by-id link survives re-enumeration). */
  readonly path: string;
  readonly baudRate?: number;
  readonly checksum?: CcTalkChecksum;
  readonly address?: number;
  /** Single-wire bus: the host reads its own bytes back and discards them. */
  readonly echo?: boolean;
  /**
   * Money values by 184 coin id, in cents: the exact id ("EU200A") or its first five
   * characters ("EU200", any issue). Positions whose id is not listed stay inhibited.
   */
  readonly coinValues: Readonly<Record<string, number>>;
  readonly currency?: string;
  /** Time between 229 polls; at most 200 ms, the buffer holds only five events. */
  readonly pollIntervalMs?: number;
  readonly replyTimeoutMs?: number;
  readonly retries?: number;
  /** Consecutive failed polls (each after its retries) before "not responding". */
  readonly notRespondingAfter?: number;
  readonly openTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** One line per notable thing (alarms, replaced unit, unknown positions). */
  readonly log?: (line: string) => void;
}

const MAX_POLL_INTERVAL_MS = 200;

/**
 * A ccTalk coin acceptor (`MoneyDevice`).
 *
 * Credits come only from the 229 event counter, reconciled against the checkpoint handed to
 * `open()` (see `reconcile()`); every credit carries the checkpoint right after it.
 *
 * Replaced unit: when the serial number read at open (or after a reconnect) differs from the
 * device id the checkpoint belongs to, the driver reports a fatal `replaced` fault, keeps the
 * master inhibit on, refuses `setMasterInhibit(false)` and credits nothing. An operator
 * accepts the new unit by having the ledger forget the old checkpoint and reopening with
 * `{ device: null, checkpoint: null }`: the new unit's counter is then taken as a baseline.
 */
export class CcTalkCoinAcceptor implements MoneyDevice {
  readonly kind = 'cctalk' as const;
  readonly #options: CcTalkDriverOptions;
  readonly #line: SerialLine;
  readonly #link: CcTalkLink;
  readonly #listeners = new Set<(event: MoneyEvent) => void>();
  readonly #pollIntervalMs: number;
  #info: MoneyDeviceInfo | null = null;
  #state: CcTalkCheckpoint | null = null;
  #enabled: number[] = [];
  #masterInhibited = true;
  #replaced = false;
  #needsSetup = false;
  #offline = false;
  #failedPolls = 0;
  #pollTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: CcTalkDriverOptions) {
    this.#options = options;
    this.#pollIntervalMs = Math.min(options.pollIntervalMs ?? 100, MAX_POLL_INTERVAL_MS);
    this.#line = new SerialLine({
      path: options.path,
      baudRate: options.baudRate ?? 9600,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.#link = new CcTalkLink(this.#line, {
      checksum: options.checksum ?? 'simple',
      address: options.address ?? ADDRESS.coinAcceptor,
      echo: options.echo ?? false,
      replyTimeoutMs: options.replyTimeoutMs ?? 150,
      retries: options.retries ?? 2,
    });
    this.#line.on('disconnected', ({ error }) => {
      this.#log(`line lost: ${error}`);
      this.#goOffline('disconnected', `serial line lost: ${error}`);
    });
    this.#line.on('open', () => {
      if (this.#info !== null) this.#needsSetup = true;
    });
  }

  /** Link counters (frames, framing errors, timeouts, retries) for diagnostics. */
  get linkStats(): Readonly<CcTalkLink['stats']> {
    return this.#link.stats;
  }

  onEvent(listener: (event: MoneyEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async open(resume: MoneyOpenOptions): Promise<MoneyDeviceInfo> {
    const timeoutMs = this.#options.openTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const opened = await Promise.race([
      this.#line.start().then(() => this.#line.isOpen),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!opened) {
      await this.#line.close();
      throw new Error(`ccTalk: cannot open ${this.#options.path}`);
    }
    try {
      const ident = await this.#identify();
      const denominations = await this.#readCoinTable();
      const info: MoneyDeviceInfo = { ...ident, denominations };
      this.#info = info;
      await this.#applyInhibits();
      if (resume.device !== null && resume.device !== info.id) {
        this.#markReplaced(resume.device, info.id);
      } else {
        const saved = decodeCheckpoint(resume.checkpoint);
        if (resume.checkpoint !== null && saved === null) {
          this.#log('stored checkpoint unreadable: taking a new baseline');
        }
        this.#state = saved;
        await this.#pollOnce();
      }
    } catch (err) {
      await this.#line.close();
      throw err;
    }
    this.#schedulePoll();
    return this.#info;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pollTimer !== null) clearTimeout(this.#pollTimer);
    if (this.#line.isOpen) await this.#link.transact(requests.modifyMasterInhibit(true));
    await this.#line.close();
  }

  async setEnabledDenominations(positions: readonly number[]): Promise<void> {
    const known = new Set(this.#info?.denominations.map((d) => d.position) ?? []);
    const unknown = positions.filter((p) => !known.has(p));
    if (unknown.length > 0) {
      throw new Error(`ccTalk: no coin configured at position ${unknown.join(', ')}`);
    }
    this.#enabled = [...positions];
    await this.#command(requests.modifyInhibitStatus(this.#enabled));
  }

  async setMasterInhibit(inhibited: boolean): Promise<void> {
    if (!inhibited && this.#replaced) {
      throw new Error('ccTalk: unit replaced; an operator must accept it before it takes money');
    }
    this.#masterInhibited = inhibited;
    await this.#command(requests.modifyMasterInhibit(inhibited));
  }

  #emit(event: MoneyEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }

  #log(line: string): void {
    this.#options.log?.(`cctalk ${this.#options.path}: ${line}`);
  }

  get #id(): string {
    return this.#info?.id ?? `cctalk:${this.#options.path}`;
  }

  async #request<T>(
    request: CcTalkRequest,
    parse: (frame: CcTalkFrame) => ReplyResult<T>,
  ): Promise<ReplyResult<T>> {
    const reply = await this.#link.transact(request);
    return reply.ok ? parse(reply.value) : reply;
  }

  async #must<T>(
    request: CcTalkRequest,
    parse: (frame: CcTalkFrame) => ReplyResult<T>,
  ): Promise<T> {
    const result = await this.#request(request, parse);
    if (!result.ok) throw new Error(`ccTalk header ${request.header}: ${result.error}`);
    return result.value;
  }

  async #command(request: CcTalkRequest): Promise<void> {
    await this.#must(request, parseAck);
  }

  async #identify(): Promise<Omit<MoneyDeviceInfo, 'denominations'>> {
    const manufacturer = await this.#must(requests.manufacturerId(), parseAscii);
    const category = await this.#must(requests.equipmentCategory(), parseAscii);
    const product = await this.#must(requests.productCode(), parseAscii);
    const serial = String(await this.#must(requests.serialNumber(), parseSerialNumber));
    if (!/coin/i.test(category)) this.#log(`equipment category is "${category}"`);
    return {
      kind: 'cctalk',
      id: `cctalk:${manufacturer}:${serial}`,
      manufacturer,
      product,
      serial,
    };
  }

  async #readCoinTable(): Promise<Denomination[]> {
    const out: Denomination[] = [];
    for (let position = 1; position <= MAX_COIN_POSITION; position += 1) {
      const coin = await this.#must(requests.coinId(position), parseCoinId);
      if (coin === null) continue;
      const value =
        this.#options.coinValues[coin.code] ?? this.#options.coinValues[coin.code.slice(0, 5)];
      if (value === undefined) {
        this.#log(`position ${position} holds ${coin.code}, which has no configured value`);
        continue;
      }
      const currency = this.#options.currency;
      out.push({
        position,
        valueCents: value,
        label: coin.code,
        ...(currency ? { currency } : {}),
      });
    }
    return out;
  }

  /**
   * The coin mask first, then the master inhibit: lifting the master before the mask is back
   * (after a power cycle the unit starts with every coin inhibited) would refuse a coin
   * inserted in between.
   */
  async #applyInhibits(): Promise<void> {
    await this.#command(requests.modifyInhibitStatus(this.#enabled));
    await this.#command(requests.modifyMasterInhibit(this.#masterInhibited || this.#replaced));
  }

  #markReplaced(expected: string, found: string): void {
    this.#replaced = true;
    this.#log(`unit replaced: expected ${expected}, found ${found}; no credit until accepted`);
    this.#emit({
      type: 'fault',
      device: found,
      reason: 'replaced',
      fatal: true,
      detail: `expected ${expected}, found ${found}`,
    });
  }

  #goOffline(reason: 'disconnected' | 'timeout', detail: string): void {
    if (this.#offline || this.#closed) return;
    this.#offline = true;
    this.#emit({ type: 'fault', device: this.#id, reason, fatal: false, detail });
    this.#emit({ type: 'status', device: this.#id, state: 'offline', detail });
  }

  #schedulePoll(): void {
    if (this.#closed) return;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = null;
      this.#pollOnce()
        .catch((err: unknown) => this.#log(`poll failed: ${String(err)}`))
        .finally(() => this.#schedulePoll());
    }, this.#pollIntervalMs);
  }

  async #pollOnce(): Promise<void> {
    if (this.#needsSetup || (this.#offline && this.#line.isOpen)) {
      if (!(await this.#resetup())) return this.#pollFailed();
    }
    const reply = await this.#request(requests.readBufferedCredit(), parseBufferedCredit);
    if (!reply.ok) return this.#pollFailed();
    this.#failedPolls = 0;
    if (this.#offline) {
      this.#offline = false;
      this.#emit({ type: 'status', device: this.#id, state: 'ready', detail: 'answering again' });
    }
    if (!this.#replaced) this.#apply(reply.value);
  }

  #pollFailed(): void {
    this.#failedPolls += 1;
    if (this.#failedPolls >= (this.#options.notRespondingAfter ?? 3) && this.#line.isOpen) {
      this.#log('not responding');
      this.#goOffline('timeout', 'not responding');
    }
  }

  /** After a reconnect or silence: same unit? Then restore its inhibits (a power cycle lost them). */
  async #resetup(): Promise<boolean> {
    try {
      const ident = await this.#identify();
      this.#needsSetup = false;
      if (this.#info !== null && ident.id !== this.#info.id && !this.#replaced) {
        this.#markReplaced(this.#info.id, ident.id);
      }
      await this.#applyInhibits();
      return true;
    } catch (err) {
      this.#log(`setup after reconnect failed: ${String(err)}`);
      return false;
    }
  }

  #apply(reply: BufferedCredit): void {
    const applied = applyReply(this.#state, reply, {
      device: this.#id,
      denominations: this.#info?.denominations ?? [],
      masterInhibited: this.#masterInhibited,
      baselineEpoch: Date.now(),
    });
    this.#state = applied.state;
    // A reset unit is fully inhibited again, and a power cycle may hide a swapped unit:
    // the next poll identifies it and restores what the host had set.
    if (applied.reset) this.#needsSetup = true;
    for (const line of applied.log) this.#log(line);
    for (const event of applied.events) this.#emit(event);
  }
}
