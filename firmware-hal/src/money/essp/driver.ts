/**
 * eSSP note validator driver (unencrypted SSP) implementing {@link MoneyDevice}.
 *
 * Start-up: SYNC, HOST PROTOCOL, SETUP REQUEST (channel table -> denominations), SERIAL
 * NUMBER (identity), SET INHIBITS, and DISABLE until the owner lifts the master inhibit. Then
 * a POLL about every 200 ms. A note in escrow (READ NOTE ch > 0) is decided by
 * {@link decideEscrow}; while the decision is pending the driver sends HOLD in place of POLL,
 * then POLL (accept) or REJECT (return).
 *
 * Credit comes ONLY from CREDIT NOTE. Its `deviceEventId` is `note-<n>`, where n counts the
 * CREDIT NOTE events this driver applied for this unit and is carried in the checkpoint that
 * the ledger stores in the same transaction as the credit and hands back to `open()`. n only
 * advances while processing a reply, and each command exchange (the first send and every
 * retry with the same sequence bit) yields exactly one processed reply; a late duplicate of a
 * reply carries the previous sequence bit and is dropped by the link. So a dropped, repeated
 * or duplicated reply cannot produce a second credit, and should an event reach the ledger
 * twice anyway it carries the same id and is ignored there.
 *
 * Polling uses POLL WITH ACK where the unit has it (falling back to POLL on COMMAND NOT
 * KNOWN): the validator repeats a CREDIT NOTE until EVENT ACK and takes no further note
 * meanwhile. The driver emits the credit (the ledger commits it with checkpoint "note n, ack
 * pending"), then sends EVENT ACK, and once the unit confirmed it stores "note n" again with
 * no ack pending, before the next POLL. So after a kill at any point:
 * - stored "n, ack pending": the first reply either repeats note n (not acknowledged yet: it
 *   is credited again with the SAME id `note-n`, which the ledger ignores, and acknowledged)
 *   or holds no credit (the ACK had arrived). No new note can be credited in that first reply,
 *   because a note needs several polls after the ACK to reach CREDIT NOTE;
 * - stored "n": every CREDIT NOTE seen is new and becomes note n+1.
 * With plain POLL (older units) a CREDIT NOTE that arrived just before a kill is lost to the
 * host; the README says so.
 */
import { SerialLine, type BackoffOptions } from '../serial-line.js';
import type {
  FaultReason,
  MoneyDevice,
  MoneyDeviceInfo,
  MoneyDeviceState,
  MoneyEvent,
  MoneyOpenOptions,
} from '../types.js';
import {
  disableRequest,
  enableRequest,
  eventAckRequest,
  holdRequest,
  pollRequest,
  pollWithAckRequest,
  rejectRequest,
  setInhibitsRequest,
} from './commands.js';
import { EsspLink } from './driver-link.js';
import {
  formatNoteCheckpoint,
  initialiseUnit,
  parseNoteCheckpoint,
  type UnitSetup,
} from './driver-setup.js';
import {
  decideEscrow,
  type EscrowContext,
  type EscrowDecision,
  type EscrowRules,
} from './escrow.js';
import { parsePollEvents, type EsspPollEvent } from './poll.js';

export interface EsspDriverOptions {
  readonly path: string;
  readonly slaveId?: number;
  /** Protocol version asked for with HOST PROTOCOL (default 7; 6 and up give 32-bit values). */
  readonly protocolVersion?: number;
  /** Time between polls; ITL asks for 100-1000 ms. Default 200. */
  readonly pollIntervalMs?: number;
  /** Default 300 ms. */
  readonly replyTimeoutMs?: number;
  /** Retransmissions with the same sequence bit. Default 3. */
  readonly retries?: number;
  readonly escrowRules: EscrowRules;
  /** The box's state for the escrow decision; default: queue not full, zero balance. */
  readonly escrowContext?: () => EscrowContext | Promise<EscrowContext>;
  readonly backoff?: BackoffOptions;
  /** Poll with POLL WITH ACK when the unit knows it (default true). */
  readonly pollWithAck?: boolean;
  readonly log?: (line: string) => void;
}

/** A note in escrow and the decision about it (pending while the promise runs). */
interface Escrow {
  readonly channel: number;
  decision: EscrowDecision | null;
  sent: boolean;
}

/** Conditions a POLL reply keeps repeating while they last; reported on change only. */
type Condition = 'safe-jam' | 'unsafe-jam' | 'stacker-full' | 'disabled';

/** eSSP bill validator over a serial line. */
export class EsspNoteValidator implements MoneyDevice {
  readonly kind = 'essp' as const;
  private readonly opts: Required<Omit<EsspDriverOptions, 'backoff'>> & {
    backoff?: BackoffOptions;
  };
  private readonly listeners = new Set<(event: MoneyEvent) => void>();
  private line: SerialLine | null = null;
  private link: EsspLink | null = null;
  private info: MoneyDeviceInfo | null = null;
  private notes = 0;
  /** Note number whose CREDIT NOTE the unit may still repeat (EVENT ACK not confirmed). */
  private ackPending: number | null = null;
  private ackMode: boolean;
  private enabledPositions: number[] | null = null;
  private inhibited = true;
  private escrow: Escrow | null = null;
  private conditions = new Set<Condition>();
  private timer: NodeJS.Timeout | null = null;
  private needsInit = false;
  private offline = false;
  private closing = false;

  constructor(options: EsspDriverOptions) {
    this.opts = {
      slaveId: 0,
      protocolVersion: 7,
      pollIntervalMs: 200,
      replyTimeoutMs: 300,
      retries: 3,
      escrowContext: () => ({ queueFull: false, balance: 0 }),
      pollWithAck: true,
      log: () => undefined,
      ...options,
    };
    this.ackMode = this.opts.pollWithAck;
  }

  async open(resume: MoneyOpenOptions): Promise<MoneyDeviceInfo> {
    const line = new SerialLine({
      path: this.opts.path,
      baudRate: 9600,
      backoff: this.opts.backoff,
    });
    this.line = line;
    this.link = new EsspLink(line, { ...this.opts });
    line.on('disconnected', ({ error }) => {
      this.escrow = null;
      this.goOffline('disconnected', `line lost: ${error}`);
    });
    line.on('open', () => {
      if (this.info !== null) this.needsInit = true;
    });
    await line.start();
    if (!line.isOpen) throw new Error(`essp: ${this.opts.path} closed before it opened`);
    const info = await this.initialise();
    if (!info.ok) {
      await line.close();
      throw new Error(`essp: ${info.error}`);
    }
    const resumed = resume.device === info.value.id ? parseNoteCheckpoint(resume.checkpoint) : null;
    this.notes = resumed?.notes ?? 0;
    this.ackPending = resumed?.ackPending === true ? resumed.notes : null;
    if (resume.device !== null && resume.device !== info.value.id) {
      this.emit({
        type: 'fault',
        device: info.value.id,
        reason: 'replaced',
        fatal: false,
        detail: `unit ${info.value.id} in place of ${resume.device}; note count starts at 0`,
      });
    }
    this.info = info.value;
    this.schedule();
    return info.value;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.link !== null && this.line?.isOpen === true) await this.link.send(disableRequest());
    await this.line?.close();
  }

  async setEnabledDenominations(positions: readonly number[]): Promise<void> {
    this.enabledPositions = [...positions];
    await this.command(setInhibitsRequest(positions), 'SET INHIBITS');
  }

  async setMasterInhibit(inhibited: boolean): Promise<void> {
    this.inhibited = inhibited;
    await this.command(
      inhibited ? disableRequest() : enableRequest(),
      inhibited ? 'DISABLE' : 'ENABLE',
    );
  }

  onEvent(listener: (event: MoneyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private initialise(): Promise<UnitSetup> {
    return initialiseUnit(this.link as EsspLink, {
      protocolVersion: this.opts.protocolVersion,
      enabledPositions: this.enabledPositions,
      inhibited: this.inhibited,
      expectedId: this.info?.id ?? null,
    });
  }

  private async command(data: Uint8Array, what: string): Promise<void> {
    if (this.link === null) throw new Error(`essp: ${what} before open()`);
    const r = await this.link.send(data);
    if (!r.ok) throw new Error(`essp: ${what}: ${r.error}`);
    if (!r.reply.ok) throw new Error(`essp: ${what} refused: ${r.reply.status}`);
  }

  private schedule(): void {
    if (this.closing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick().finally(() => this.schedule());
    }, this.opts.pollIntervalMs);
  }

  private async tick(): Promise<void> {
    const link = this.link;
    if (link === null || this.line?.isOpen !== true) return;
    if (this.needsInit || this.offline) {
      const again = await this.initialise();
      if (!again.ok) {
        this.goOffline(again.replaced === true ? 'replaced' : lineFault(again.error), again.error);
        return;
      }
      this.needsInit = false;
      this.escrow = null;
      if (this.offline) this.status(this.inhibited ? 'disabled' : 'ready', 'back online');
      this.offline = false;
    }
    const escrow = this.escrow;
    const poll = this.ackMode ? pollWithAckRequest() : pollRequest();
    let request = poll;
    if (escrow !== null && !escrow.sent) {
      // HOLD keeps the note in escrow one more period; a plain POLL would accept it.
      if (escrow.decision === null) request = holdRequest();
      else if (escrow.decision.action === 'return') request = rejectRequest();
    }
    const r = await link.send(request);
    if (!r.ok) {
      this.goOffline(lineFault(r.error), r.error);
      return;
    }
    if (escrow !== null && escrow.decision !== null) escrow.sent = true;
    if (request !== poll) return;
    if (!r.reply.ok) {
      if (this.ackMode && r.reply.status === 'COMMAND_NOT_KNOWN') {
        // Older firmware: plain POLL from now on (a credit can then be lost at a power cut).
        this.ackMode = false;
        this.ackPending = null;
        this.opts.log('essp: unit does not know POLL WITH ACK; using POLL');
        return;
      }
      this.opts.log(`essp: POLL answered ${r.reply.status}`);
      return;
    }
    const events = parsePollEvents(r.reply.body);
    this.apply(events);
    if (this.ackMode) await this.acknowledge(events.some((e) => e.type === 'credit-note'));
  }

  /**
   * After a POLL WITH ACK reply was applied (its credits committed by the listeners): sends
   * EVENT ACK when the reply held a credit, and stores that no credit is pending any more,
   * either because the unit confirmed the ACK or because a reply came without the credit
   * it would otherwise repeat.
   */
  private async acknowledge(sawCredit: boolean): Promise<void> {
    if (sawCredit) {
      const ack = await this.link?.send(eventAckRequest());
      if (ack === undefined) return;
      if (!ack.ok) {
        // No answer even to the retries: resynchronise as after any silent exchange; the unit
        // keeps repeating the credit, which comes back under the same id.
        this.goOffline(lineFault(ack.error), `EVENT ACK: ${ack.error}`);
        return;
      }
      if (!ack.reply.ok) {
        this.opts.log(`essp: EVENT ACK answered ${ack.reply.status}; the credit will repeat`);
        return;
      }
    }
    if (this.ackPending === null) return;
    const notes = this.ackPending;
    this.ackPending = null;
    this.emit({
      type: 'checkpoint',
      device: this.info?.id ?? 'essp',
      checkpoint: formatNoteCheckpoint(notes),
      detail: `note ${notes} acknowledged`,
    });
  }

  private apply(events: readonly EsspPollEvent[]): void {
    const device = this.info?.id ?? 'essp';
    const seen = new Set<Condition>();
    for (const event of events) {
      switch (event.type) {
        case 'slave-reset':
          this.status('reset', 'validator reset');
          this.needsInit = true;
          break;
        case 'read-note':
          // Once our POLL or REJECT for a note went out, a later READ NOTE is another note; a
          // stale escrow must never let it through without a decision.
          if (this.escrow?.sent === true) this.escrow = null;
          if (event.channel > 0 && this.escrow === null) this.startEscrow(event.channel);
          break;
        case 'credit-note':
          this.credit(event.channel);
          break;
        case 'stacked':
          this.escrow = null;
          break;
        case 'rejected':
          this.emit({
            type: 'reject',
            device,
            reason: 'rejected',
            code: 0,
            detail:
              this.escrow?.decision?.action === 'return'
                ? `returned: ${this.escrow.decision.reason}`
                : 'refused by the validator',
          });
          this.escrow = null;
          break;
        case 'fraud-attempt':
          this.emit({
            type: 'fault',
            device,
            reason: 'fraud',
            fatal: false,
            detail: `fraud attempt on channel ${event.channel}`,
          });
          this.escrow = null;
          break;
        case 'safe-jam':
        case 'unsafe-jam':
          this.escrow = null;
          seen.add(event.type);
          break;
        case 'stacker-full':
        case 'disabled':
          seen.add(event.type);
          break;
        case 'unknown':
        case 'truncated':
          this.emit({
            type: 'fault',
            device,
            reason: 'protocol',
            fatal: false,
            code: event.code,
            detail: `unreadable POLL event 0x${event.code.toString(16)}`,
          });
          break;
        default:
          break;
      }
    }
    this.conditionsChanged(seen);
  }

  private startEscrow(channel: number): void {
    const escrow: Escrow = { channel, decision: null, sent: false };
    this.escrow = escrow;
    const denomination = this.info?.denominations.find((d) => d.position === channel);
    const note = {
      channel,
      value: denomination?.valueCents,
      currency: denomination?.currency ?? '',
    };
    void Promise.resolve()
      .then(() => this.opts.escrowContext())
      .then((context) => decideEscrow(note, this.opts.escrowRules, context))
      .catch((): EscrowDecision => ({ action: 'return', reason: 'unknown-channel' }))
      .then((decision) => (escrow.decision = decision));
  }

  private credit(channel: number): void {
    const device = this.info?.id ?? 'essp';
    const repeat = this.ackMode && this.ackPending !== null;
    if (!repeat) this.notes += 1;
    const number = repeat ? (this.ackPending as number) : this.notes;
    if (this.ackMode) this.ackPending = number;
    const checkpoint = formatNoteCheckpoint(number, this.ackMode);
    const denomination = this.info?.denominations.find((d) => d.position === channel);
    if (denomination === undefined) {
      if (repeat) return; // already reported when it first came

      // The validator kept a note we cannot value: an alarm for the operator, never a guess.
      this.emit({
        type: 'fault',
        device,
        reason: 'protocol',
        fatal: false,
        checkpoint,
        detail: `CREDIT NOTE for unknown channel ${channel}: no credit given`,
      });
      return;
    }
    this.emit({
      type: 'credit',
      device,
      // A repeat carries the id it had the first time, so the ledger takes it at most once.
      deviceEventId: `note-${number}`,
      position: channel,
      valueCents: denomination.valueCents,
      currency: denomination.currency,
      checkpoint,
    });
  }

  private conditionsChanged(seen: Set<Condition>): void {
    const device = this.info?.id ?? 'essp';
    const faults: Partial<
      Record<Condition, { reason: FaultReason; fatal: boolean; detail: string }>
    > = {
      'safe-jam': { reason: 'jam', fatal: true, detail: 'note jammed (safe jam)' },
      'unsafe-jam': {
        reason: 'jam',
        fatal: true,
        detail: 'note jammed in the stacker path (unsafe jam)',
      },
      'stacker-full': { reason: 'stacker-full', fatal: true, detail: 'stacker full' },
    };
    for (const condition of seen) {
      if (this.conditions.has(condition)) continue;
      const fault = faults[condition];
      if (fault !== undefined) this.emit({ type: 'fault', device, ...fault });
      else if (!this.inhibited) this.status('disabled', 'validator reports DISABLED');
    }
    const cleared = [...this.conditions].some((c) => !seen.has(c) && c !== 'disabled');
    this.conditions = seen;
    if (cleared && seen.size === 0) this.status('ready', 'fault cleared');
  }

  private goOffline(reason: FaultReason, detail: string): void {
    if (this.closing || this.offline) return;
    this.offline = true;
    const device = this.info?.id ?? 'essp';
    this.emit({ type: 'fault', device, reason, fatal: false, detail });
    this.status('offline', detail);
  }

  private status(state: MoneyDeviceState, detail: string): void {
    this.emit({ type: 'status', device: this.info?.id ?? 'essp', state, detail });
  }

  private emit(event: MoneyEvent): void {
    for (const listener of [...this.listeners]) {
      // A throwing listener must not stop the poll loop (and with it every later credit).
      try {
        listener(event);
      } catch (err) {
        this.opts.log(
          `essp: event listener threw: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }
}

/**
 * Why an exchange failed: a write the port refused (EIO when the USB adapter is pulled) means
 * the line is gone; anything else is a unit that did not answer.
 */
function lineFault(error: string): FaultReason {
  return error.startsWith('write failed') ? 'disconnected' : 'timeout';
}
