import { SerialLine } from '../serial-line.js';
import { ADDRESS, encodeFrame, type CcTalkChecksum, type CcTalkFrame } from './frame.js';
import { CcTalkFramer } from './framer.js';
import {
  CREDIT_BUFFER_EVENTS,
  encodeBufferedCredit,
  HEADER,
  type BufferedEvent,
} from './headers.js';
import { nextCounter } from './counter.js';

/**
 * A ccTalk coin acceptor on the device end of a serial line (a socat pty in tests and in the
 * demo). It answers headers 254, 246, 245, 244, 242, 184, 231, 228, 229 and 1 byte for byte,
 * keeps the five-event buffer and the 1-255 event counter, honours the inhibit masks, and
 * injects faults on request. It records every coin it ACCEPTED: that list is the money truth
 * the driver and the ledger are checked against.
 */

/** One programmed coin position. */
export interface SimCoin {
  /** 1-16. */
  readonly position: number;
  /** Six-character 184 coin id, e.g. "EU200A". */
  readonly code: string;
  /** Face value in cents; only for the accepted-coin record, never sent on the wire. */
  readonly valueCents: number;
}

export interface CcTalkSimulatorOptions {
  /** Device end of the line. */
  readonly path: string;
  readonly checksum?: CcTalkChecksum;
  /** Own address, 2 by default. */
  readonly address?: number;
  readonly manufacturer?: string;
  readonly category?: string;
  readonly product?: string;
  /** 24-bit serial number. */
  readonly serial?: number;
  readonly coins: readonly SimCoin[];
  /** Event counter at start (0 = just powered up); any value to exercise the wrap. */
  readonly startCounter?: number;
  /** Sorter path reported with credits. */
  readonly sorterPath?: number;
}

/** A coin the simulated acceptor took. */
export interface AcceptedCoin {
  readonly position: number;
  readonly code: string;
  readonly valueCents: number;
  /** Event counter value the coin was given. */
  readonly counter: number;
}

/** What an insert did. */
export type InsertOutcome = 'accepted' | 'inhibited' | 'unknown-position';

const ERROR_REJECT = 1;
const ERROR_INHIBITED = 2;

/** The simulated acceptor. Create it with `CcTalkCoinSimulator.start()`. */
export class CcTalkCoinSimulator {
  readonly #line: SerialLine;
  readonly #checksum: CcTalkChecksum;
  readonly #address: number;
  readonly #framer: CcTalkFramer;
  readonly #coins: ReadonlyMap<number, SimCoin>;
  readonly #sorterPath: number;
  readonly #ident: { manufacturer: string; category: string; product: string };
  #serial: number;
  #counter: number;
  #buffer: BufferedEvent[] = [];
  #inhibitMask = 0;
  #masterInhibited = true;
  readonly #accepted: AcceptedCoin[] = [];
  #requests = 0;
  // Fault injection, each consumed per reply.
  #drop = 0;
  #garble = 0;
  #busy = 0;
  #slow = { count: 0, delayMs: 0 };
  #echo = false;
  #silent = false;

  private constructor(options: CcTalkSimulatorOptions, line: SerialLine) {
    this.#line = line;
    this.#checksum = options.checksum ?? 'simple';
    this.#address = options.address ?? ADDRESS.coinAcceptor;
    this.#framer = new CcTalkFramer({ checksum: this.#checksum });
    this.#coins = new Map(options.coins.map((c) => [c.position, c]));
    this.#sorterPath = options.sorterPath ?? 1;
    this.#ident = {
      manufacturer: options.manufacturer ?? 'JBX',
      category: options.category ?? 'Coin Acceptor',
      product: options.product ?? 'SIMCOIN',
    };
    this.#serial = options.serial ?? 123456;
    this.#counter = options.startCounter ?? 0;
    line.on('data', ({ bytes, atMs }) => this.#receive(bytes, atMs));
  }

  /** Opens the line and starts answering. Resolves once the port is open. */
  static async start(options: CcTalkSimulatorOptions): Promise<CcTalkCoinSimulator> {
    const line = new SerialLine({ path: options.path, baudRate: 9600 });
    const sim = new CcTalkCoinSimulator(options, line);
    await line.start();
    return sim;
  }

  /** Coins accepted since start, oldest first (power cycles do not clear it). */
  get accepted(): readonly AcceptedCoin[] {
    return this.#accepted;
  }

  /** Sum of accepted coins in cents. */
  get acceptedCents(): number {
    return this.#accepted.reduce((sum, c) => sum + c.valueCents, 0);
  }

  /** Current state for tests and the CLI's `status`. */
  get state(): {
    counter: number;
    masterInhibited: boolean;
    inhibitMask: number;
    serial: number;
    requests: number;
  } {
    return {
      counter: this.#counter,
      masterInhibited: this.#masterInhibited,
      inhibitMask: this.#inhibitMask,
      serial: this.#serial,
      requests: this.#requests,
    };
  }

  /**
   * A coin goes in at `position`. It is accepted (credit event) when the position is
   * programmed, enabled in the inhibit mask and the master inhibit is off; otherwise it is
   * handed back with error 2 (inhibited) or 1 (reject, unprogrammed position).
   */
  insert(position: number): InsertOutcome {
    const coin = this.#coins.get(position);
    if (coin === undefined) {
      this.#push({ a: 0, b: ERROR_REJECT });
      return 'unknown-position';
    }
    const enabled = (this.#inhibitMask & (1 << (position - 1))) !== 0;
    if (this.#masterInhibited || !enabled) {
      this.#push({ a: 0, b: ERROR_INHIBITED });
      return 'inhibited';
    }
    this.#push({ a: position, b: this.#sorterPath });
    this.#accepted.push({ ...coin, counter: this.#counter });
    return 'accepted';
  }

  /** The mech reports an error or reject with this ccTalk error code (1-255). */
  reject(code: number): void {
    if (!Number.isInteger(code) || code < 1 || code > 255) {
      throw new RangeError(`ccTalk error code must be 1-255, got ${code}`);
    }
    this.#push({ a: 0, b: code });
  }

  /** Power cycle: counter 0, buffer cleared, everything inhibited (as after power-up). */
  powerCycle(): void {
    this.#counter = 0;
    this.#buffer = [];
    this.#inhibitMask = 0;
    this.#masterInhibited = true;
    this.#framer.tick(Number.MAX_SAFE_INTEGER);
  }

  /** Swaps the unit for another one (a different serial number), state as after power-up. */
  replaceUnit(serial: number): void {
    this.#serial = serial;
    this.powerCycle();
  }

  /** Fault: the next `count` replies are not sent. */
  dropReplies(count: number): void {
    this.#drop = count;
  }

  /** Fault: the next `count` replies go out with one byte flipped (bad checksum). */
  garbleReplies(count: number): void {
    this.#garble = count;
  }

  /** Fault: the next `count` replies go out after `delayMs`. */
  slowReplies(count: number, delayMs: number): void {
    this.#slow = { count, delayMs };
  }

  /** Fault: the next `count` requests are answered BUSY (header 6). */
  busyReplies(count: number): void {
    this.#busy = count;
  }

  /** Single-wire bus: every byte the host sends is read back by the host. */
  setEcho(on: boolean): void {
    this.#echo = on;
  }

  /** The unit stops answering entirely (`true`) or answers again (`false`). */
  setSilent(silent: boolean): void {
    this.#silent = silent;
  }

  /** Writes raw bytes on the line (line noise). */
  async noise(bytes: Uint8Array): Promise<void> {
    await this.#line.write(bytes);
  }

  /** Releases the line. */
  async close(): Promise<void> {
    await this.#line.close();
  }

  #push(event: BufferedEvent): void {
    this.#counter = nextCounter(this.#counter);
    this.#buffer.unshift(event);
    this.#buffer.length = Math.min(this.#buffer.length, CREDIT_BUFFER_EVENTS);
  }

  #receive(bytes: Uint8Array, atMs: number): void {
    if (this.#echo) void this.#line.write(bytes);
    for (const out of this.#framer.push(bytes, atMs)) {
      if (out.kind !== 'frame') continue;
      const { frame } = out;
      // Broadcast (0) is answered too: ccTalk hosts use it to find a lone device.
      if (frame.dest !== this.#address && frame.dest !== ADDRESS.broadcast) continue;
      this.#requests += 1;
      if (this.#silent) continue;
      const reply = this.#answer(frame);
      if (reply !== null) this.#send(reply);
    }
  }

  #answer(request: CcTalkFrame): { header: number; data: Uint8Array } | null {
    const ack = (data: Uint8Array = new Uint8Array()) => ({ header: HEADER.ack, data });
    const ascii = (text: string) => ack(Uint8Array.from(text, (ch) => ch.charCodeAt(0)));
    if (this.#busy > 0) {
      this.#busy -= 1;
      return { header: HEADER.busy, data: new Uint8Array() };
    }
    switch (request.header) {
      case HEADER.simplePoll:
        return ack();
      case HEADER.manufacturerId:
        return ascii(this.#ident.manufacturer);
      case HEADER.equipmentCategory:
        return ascii(this.#ident.category);
      case HEADER.productCode:
        return ascii(this.#ident.product);
      case HEADER.serialNumber:
        return ack(
          Uint8Array.of(this.#serial & 0xff, (this.#serial >> 8) & 0xff, this.#serial >> 16),
        );
      case HEADER.coinId: {
        const position = request.data[0] ?? 0;
        return ascii(this.#coins.get(position)?.code ?? '......');
      }
      case HEADER.modifyInhibitStatus:
        if (request.data.length !== 2) return { header: HEADER.nak, data: new Uint8Array() };
        this.#inhibitMask = (request.data[0] ?? 0) | ((request.data[1] ?? 0) << 8);
        return ack();
      case HEADER.modifyMasterInhibit:
        if (request.data.length !== 1) return { header: HEADER.nak, data: new Uint8Array() };
        this.#masterInhibited = ((request.data[0] ?? 0) & 1) === 0;
        return ack();
      case HEADER.readBufferedCredit: {
        const events = [...this.#buffer];
        while (events.length < CREDIT_BUFFER_EVENTS) events.push({ a: 0, b: 0 });
        return ack(encodeBufferedCredit({ counter: this.#counter, events }));
      }
      case HEADER.reset:
        // The ACK goes out first, then the unit restarts (counter back to 0).
        setImmediate(() => this.powerCycle());
        return ack();
      default:
        // Unsupported header: a ccTalk slave stays silent rather than guess.
        return null;
    }
  }

  #send(reply: { header: number; data: Uint8Array }): void {
    if (this.#drop > 0) {
      this.#drop -= 1;
      return;
    }
    const bytes = encodeFrame(
      { dest: ADDRESS.host, src: this.#address, header: reply.header, data: reply.data },
      this.#checksum,
    );
    if (this.#garble > 0) {
      this.#garble -= 1;
      const last = bytes.length - 1;
      bytes[last] = (bytes[last] ?? 0) ^ 0x5a;
    }
    if (this.#slow.count > 0) {
      this.#slow.count -= 1;
      setTimeout(() => void this.#line.write(bytes), this.#slow.delayMs);
      return;
    }
    void this.#line.write(bytes);
  }
}
