/**
 * State machine of the protocol-level simulator of an ITL-style note validator, on the device end of a serial line
 * (a socat pty in tests and in the demo). It speaks SSP byte for byte through frame.ts: CRC,
 * byte stuffing, and the sequence bit (a repeated bit gets the last reply again and the
 * command is NOT acted on twice, which is what makes a host's retry of POLL or REJECT safe).
 *
 * A note goes READ NOTE 0 (reading) -> READ NOTE ch (escrow). The host then keeps it with HOLD,
 * returns it with REJECT (REJECTING, REJECTED), or accepts it with a plain POLL (STACKING,
 * CREDIT NOTE ch, STACKED). The simulator records every note it reported in a CREDIT NOTE:
 * that list is the money a host must have credited, exactly. Polled with POLL WITH ACK, it
 * repeats a CREDIT NOTE in every reply until EVENT ACK and moves no note meanwhile.
 */
import { EsspCommand, EsspStatus } from './commands.js';
import type { EsspPacket } from './frame.js';
import { encodePollEvents, type EsspPollEvent } from './poll.js';
import { slaveSeqVerdict, type SeqBit } from './sequence.js';

/** One channel of the simulated validator, value in the currency's major unit. */
export interface EsspSimChannel {
  readonly value: number;
  /** Defaults to the unit's currency. */
  readonly currency?: string;
}

export interface EsspSimulatorOptions {
  /** Channel table; channel n is entry n-1. Default EUR 5, 10, 20, 50, 100. */
  readonly channels?: readonly EsspSimChannel[];
  readonly currency?: string;
  readonly serialNumber?: number;
  /** Four ASCII characters, e.g. "0333". */
  readonly firmwareVersion?: string;
  readonly slaveId?: number;
  /** Highest protocol version HOST PROTOCOL may select (FAIL above it). Default 7. */
  readonly maxProtocolVersion?: number;
  /** Whether the unit knows POLL WITH ACK and EVENT ACK (default true; older firmware not). */
  readonly pollWithAck?: boolean;
}

/** A note the simulator reported as CREDIT NOTE. */
export interface EsspCreditedNote {
  readonly channel: number;
  readonly value: number;
  readonly currency: string;
}

/** Counters a test can read to see what the line carried. */
export interface EsspSimStats {
  /** Valid frames addressed to this unit. */
  received: number;
  /** Frames acted on (new sequence bit, or SYNC). */
  acted: number;
  /** Frames answered with the last reply because their sequence bit repeated. */
  repeated: number;
  /** Replies deliberately not sent (dropReplies). */
  dropped: number;
  /** EVENT ACKs ignored on purpose (ignoreEventAcks), as if they never arrived. */
  acksIgnored: number;
}

type NotePhase =
  'reading' | 'escrow-announce' | 'escrow' | 'credit' | 'stacked' | 'rejecting' | 'rejected';

interface NoteInFlight {
  phase: NotePhase;
  readonly channel: number;
  /** Whether the note is refused without asking the host (inhibited, unknown channel). */
  readonly refuse: boolean;
}

/** Reject code reported by LAST REJECT CODE for a note the host returned. */
const REJECT_BY_HOST = 0x08;
/** Reject code for a note on an inhibited or unknown channel. */
const REJECT_INHIBITED = 0x06;

/** Default protocol before HOST PROTOCOL, as ITL units start. */
const DEFAULT_PROTOCOL = 4;

/**
 * The validator's state machine, without I/O: a frame in, a reply frame out (or none for a
 * frame that is not for this unit). Exposed for tests that need no pty.
 */
export class EsspDeviceModel {
  readonly credited: EsspCreditedNote[] = [];
  readonly stats: EsspSimStats = {
    received: 0,
    acted: 0,
    repeated: 0,
    dropped: 0,
    acksIgnored: 0,
  };
  private readonly channels: readonly Required<EsspSimChannel>[];
  private readonly opts: Required<Omit<EsspSimulatorOptions, 'channels'>>;
  private lastSeq: SeqBit | undefined;
  private lastReply: Uint8Array | undefined;
  private protocol = DEFAULT_PROTOCOL;
  private enabled = false;
  private inhibitMask = 0;
  private justReset = true;
  private note: NoteInFlight | null = null;
  private jam: 'safe' | 'unsafe' | null = null;
  private stackerFull = false;
  private oneOff: EsspPollEvent[] = [];
  private lastRejectCode = 0;
  /** Credit events POLL WITH ACK keeps repeating until EVENT ACK; no note moves meanwhile. */
  private unacked: EsspPollEvent[] = [];
  private acksToIgnore = 0;

  constructor(options: EsspSimulatorOptions = {}) {
    this.opts = {
      currency: options.currency ?? 'EUR',
      serialNumber: options.serialNumber ?? 12345678,
      firmwareVersion: options.firmwareVersion ?? '0333',
      slaveId: options.slaveId ?? 0,
      maxProtocolVersion: options.maxProtocolVersion ?? 7,
      pollWithAck: options.pollWithAck ?? true,
    };
    const table: readonly EsspSimChannel[] =
      options.channels ?? [5, 10, 20, 50, 100].map((value) => ({ value }));
    this.channels = table.map((c) => ({
      value: c.value,
      currency: c.currency ?? this.opts.currency,
    }));
  }

  /** Whether the host has enabled the unit. */
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** The 16-bit channel mask last set by SET INHIBITS (bit n-1 = channel n may take notes). */
  get channelMask(): number {
    return this.inhibitMask;
  }

  /** Current note phase, or null when no note is in the path. */
  get notePhase(): string | null {
    return this.note === null ? null : `${this.note.phase}:${this.note.channel}`;
  }

  /** Credit events reported by POLL WITH ACK and not yet acknowledged. */
  get unackedEvents(): number {
    return this.unacked.length;
  }

  /**
   * Acts as if the next `count` EVENT ACKs were lost on the line: they get no reply and
   * clear nothing, so the host times out and the credit stays pending.
   */
  ignoreEventAcks(count: number): void {
    this.acksToIgnore = count;
  }

  /**
   * A patron feeds a note into channel `channel`. Returns false when the unit does not take
   * it in at all (disabled, jammed, stacker full, a note already in the path, or a credit
   * still waiting for EVENT ACK).
   */
  insertNote(channel: number): boolean {
    if (!this.enabled || this.jam !== null || this.stackerFull || this.note !== null) return false;
    if (this.unacked.length > 0) return false;
    const known = channel >= 1 && channel <= this.channels.length;
    const refuse = !known || (this.inhibitMask & (1 << (channel - 1))) === 0;
    this.note = { phase: 'reading', channel, refuse };
    return true;
  }

  /** Jams the note path; a note not yet credited is lost in the jam (never credited). */
  setJam(kind: 'safe' | 'unsafe' | null): void {
    this.jam = kind;
    if (kind !== null && this.note !== null && this.note.phase !== 'stacked') this.note = null;
  }

  /** Reports a fraud attempt once; a note being read is refused. */
  fraud(channel = 0): void {
    this.oneOff.push({ type: 'fraud-attempt', channel });
    if (this.note !== null && this.note.phase !== 'stacked') this.note = null;
  }

  /** While full the unit reports STACKER FULL on every poll and takes no note. */
  setStackerFull(full: boolean): void {
    this.stackerFull = full;
  }

  /** Power cycle: forgets the sequence, the host's settings and any note not yet credited. */
  powerCycle(): void {
    this.lastSeq = undefined;
    this.lastReply = undefined;
    this.protocol = DEFAULT_PROTOCOL;
    this.enabled = false;
    this.inhibitMask = 0;
    this.justReset = true;
    this.note = null;
    this.oneOff = [];
    this.unacked = [];
  }

  /** Handles one frame; returns the reply DATA to send, or null if the frame is not ours. */
  handle(packet: EsspPacket): Uint8Array | null {
    if (packet.slaveId !== this.opts.slaveId) return null;
    this.stats.received++;
    const isSync = packet.data[0] === EsspCommand.SYNC;
    if (slaveSeqVerdict(this.lastSeq, packet.seqBit, isSync) === 'repeat-last-reply') {
      this.stats.repeated++;
      return this.lastReply ?? Uint8Array.of(EsspStatus.FAIL);
    }
    if (packet.data[0] === EsspCommand.EVENT_ACK && this.acksToIgnore > 0) {
      this.acksToIgnore--;
      this.stats.acksIgnored++;
      return null;
    }
    this.stats.acted++;
    const reply = this.act(packet.data);
    // SYNC makes the next command carry bit 0, so remember it as if bit 1 had been acted on.
    this.lastSeq = isSync ? 1 : packet.seqBit;
    this.lastReply = reply;
    return reply;
  }

  private act(data: Uint8Array): Uint8Array {
    const ok = (...body: number[]): Uint8Array => Uint8Array.of(EsspStatus.OK, ...body);
    const params = data.length - 1;
    const needs = (n: number): Uint8Array | null =>
      params === n ? null : Uint8Array.of(EsspStatus.WRONG_PARAMETER_COUNT);
    switch (data[0]) {
      case EsspCommand.SYNC:
        return needs(0) ?? ok();
      case EsspCommand.RESET:
        this.powerCycle();
        return ok();
      case EsspCommand.HOST_PROTOCOL: {
        const version = data[1] ?? 0;
        if (params !== 1) return Uint8Array.of(EsspStatus.WRONG_PARAMETER_COUNT);
        if (version < 1 || version > this.opts.maxProtocolVersion)
          return Uint8Array.of(EsspStatus.FAIL);
        this.protocol = version;
        return ok();
      }
      case EsspCommand.SETUP_REQUEST:
        return needs(0) ?? ok(...this.setupBody());
      case EsspCommand.SET_INHIBITS:
        if (params < 1 || params > 2) return Uint8Array.of(EsspStatus.WRONG_PARAMETER_COUNT);
        this.inhibitMask = (data[1] ?? 0) | ((data[2] ?? 0) << 8);
        return ok();
      case EsspCommand.ENABLE:
        this.enabled = true;
        return ok();
      case EsspCommand.DISABLE:
        this.enabled = false;
        return ok();
      case EsspCommand.SERIAL_NUMBER: {
        const s = this.opts.serialNumber;
        return ok((s >>> 24) & 0xff, (s >>> 16) & 0xff, (s >>> 8) & 0xff, s & 0xff);
      }
      case EsspCommand.LAST_REJECT_CODE:
        return ok(this.lastRejectCode);
      case EsspCommand.HOLD:
        return this.note?.phase === 'escrow' ? ok() : Uint8Array.of(EsspStatus.CANNOT_PROCESS);
      case EsspCommand.REJECT:
        if (this.note?.phase !== 'escrow') return Uint8Array.of(EsspStatus.CANNOT_PROCESS);
        this.note.phase = 'rejecting';
        this.lastRejectCode = REJECT_BY_HOST;
        return ok();
      case EsspCommand.POLL:
        return ok(...encodePollEvents(this.poll(false)));
      case EsspCommand.POLL_WITH_ACK:
        if (!this.opts.pollWithAck) return Uint8Array.of(EsspStatus.COMMAND_NOT_KNOWN);
        return ok(...encodePollEvents(this.poll(true)));
      case EsspCommand.EVENT_ACK:
        if (!this.opts.pollWithAck) return Uint8Array.of(EsspStatus.COMMAND_NOT_KNOWN);
        this.unacked = [];
        return ok();
      default:
        return Uint8Array.of(EsspStatus.COMMAND_NOT_KNOWN);
    }
  }

  /**
   * Events for one POLL, advancing the note by one step. With `withAck`, a CREDIT NOTE is
   * repeated in every reply until EVENT ACK and the note path stands still until then; a
   * plain POLL reports each event once.
   */
  private poll(withAck: boolean): EsspPollEvent[] {
    const events: EsspPollEvent[] = [];
    if (this.justReset) {
      events.push({ type: 'slave-reset' });
      this.justReset = false;
    }
    events.push(...this.oneOff.splice(0));
    // A plain POLL after POLL WITH ACK reports what was pending one last time.
    if (!withAck) events.push(...this.unacked.splice(0));
    events.push(...this.unacked);
    const note = this.unacked.length > 0 ? null : this.note;
    if (note !== null) {
      const ch = note.channel;
      switch (note.phase) {
        case 'reading':
          events.push({ type: 'read-note', channel: 0 });
          note.phase = note.refuse ? 'rejecting' : 'escrow-announce';
          if (note.refuse) this.lastRejectCode = REJECT_INHIBITED;
          break;
        case 'escrow-announce':
          events.push({ type: 'read-note', channel: ch });
          note.phase = 'escrow';
          break;
        case 'escrow':
          // A POLL (not HOLD) while the note waits in escrow is the host's accept.
          events.push({ type: 'stacking' });
          note.phase = 'credit';
          break;
        case 'credit': {
          const channel = this.channels[ch - 1];
          if (channel !== undefined) this.credited.push({ channel: ch, ...channel });
          events.push({ type: 'credit-note', channel: ch }, { type: 'stacking' });
          if (withAck) this.unacked.push({ type: 'credit-note', channel: ch });
          note.phase = 'stacked';
          break;
        }
        case 'stacked':
          events.push({ type: 'stacked' });
          this.note = null;
          break;
        case 'rejecting':
          events.push({ type: 'rejecting' });
          note.phase = 'rejected';
          break;
        case 'rejected':
          events.push({ type: 'rejected' });
          this.note = null;
          break;
      }
    }
    if (this.jam === 'safe') events.push({ type: 'safe-jam' });
    if (this.jam === 'unsafe') events.push({ type: 'unsafe-jam' });
    if (this.stackerFull) events.push({ type: 'stacker-full' });
    if (!this.enabled) events.push({ type: 'disabled' });
    return events;
  }

  /** SETUP REQUEST body (after OK) in the layout setup.ts documents. */
  private setupBody(): number[] {
    const ascii = (s: string, n: number): number[] =>
      Array.from({ length: n }, (_, i) => s.charCodeAt(i) & 0x7f);
    const n = this.channels.length;
    const body = [
      0, // unit type: note validator
      ...ascii(this.opts.firmwareVersion, 4),
      ...ascii(this.opts.currency, 3),
      0,
      0,
      1, // value multiplier
      n,
      ...this.channels.map((c) => (c.value <= 0xff ? c.value : 0)),
      ...this.channels.map(() => 2), // security levels (obsolete)
      0,
      0,
      100, // real value multiplier: major units to cents
      this.protocol,
    ];
    if (this.protocol >= 6) {
      for (const c of this.channels) body.push(...ascii(c.currency, 3));
      for (const c of this.channels) {
        body.push(c.value & 0xff, (c.value >>> 8) & 0xff, (c.value >>> 16) & 0xff, c.value >>> 24);
      }
    }
    return body;
  }
}
