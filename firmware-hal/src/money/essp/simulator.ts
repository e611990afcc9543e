/**
 * Protocol-level simulator of an ITL-style note validator on the device end of a serial line
 * (a socat pty in tests and in the demo): {@link EsspDeviceModel} behind real SSP framing,
 * with wire faults (dropped, garbled, slow replies, noise) a test or the CLI can inject.
 */
import { SerialPort } from 'serialport';
import { EsspFrameDecoder, encodeFrame } from './frame.js';
import {
  EsspDeviceModel,
  type EsspCreditedNote,
  type EsspSimulatorOptions,
} from './simulator-model.js';

export * from './simulator-model.js';

/** Wire faults for the next replies; counts are decremented as replies go out. */
export interface EsspLineFaults {
  /** Act on the command but send no reply (a reply lost on the wire). */
  drop: number;
  /** Send the reply with one byte corrupted, so its CRC fails. */
  garble: number;
  /** Delay every reply by this many milliseconds. */
  delayMs: number;
  /**
   * Per-reply choice, asked before the counts above: lets a test lose exactly the reply that
   * carries CREDIT NOTE, or send it twice (a duplicate on the line).
   */
  tamper?: (reply: Uint8Array) => 'drop' | 'garble' | 'duplicate' | undefined;
}

/**
 * The simulator on a serial port: {@link EsspDeviceModel} plus the wire, with faults a test
 * or the CLI can inject.
 */
export class EsspSimulator {
  readonly model: EsspDeviceModel;
  readonly faults: EsspLineFaults = { drop: 0, garble: 0, delayMs: 0 };
  private readonly decoder = new EsspFrameDecoder();
  private closed = false;

  private constructor(
    private readonly port: SerialPort,
    options: EsspSimulatorOptions,
  ) {
    this.model = new EsspDeviceModel(options);
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('close', () => (this.closed = true));
    // A port error (e.g. the far end vanished) only ends the simulation; it is not thrown.
    port.on('error', () => (this.closed = true));
  }

  /** Opens `path` (the device end of a pty pair) and starts answering. */
  static async open(path: string, options: EsspSimulatorOptions = {}): Promise<EsspSimulator> {
    const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(err) : resolve())),
    );
    return new EsspSimulator(port, options);
  }

  /** Every note reported as CREDIT NOTE so far. */
  get credited(): readonly EsspCreditedNote[] {
    return this.model.credited;
  }

  /** Writes raw bytes (line noise) to the host. */
  sendNoise(bytes: Uint8Array): void {
    if (!this.closed) this.port.write(Buffer.from(bytes));
  }

  /** Closes the port. */
  async close(): Promise<void> {
    if (this.closed || !this.port.isOpen) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private onData(chunk: Buffer): void {
    for (const item of this.decoder.push(chunk)) {
      if (!item.ok) continue; // a real unit stays silent on a bad frame; the host times out
      const reply = this.model.handle(item.packet);
      if (reply === null) continue;
      const frame = encodeFrame({
        seqBit: item.packet.seqBit,
        slaveId: item.packet.slaveId,
        data: reply,
      });
      this.send(frame, this.faults.tamper?.(reply));
    }
  }

  private send(frame: Uint8Array, tamper: 'drop' | 'garble' | 'duplicate' | undefined): void {
    if (tamper === 'drop') {
      this.model.stats.dropped++;
      return;
    }
    if (this.faults.drop > 0) {
      this.faults.drop--;
      this.model.stats.dropped++;
      return;
    }
    const out = Buffer.from(frame);
    if (tamper === 'garble' || this.faults.garble > 0) {
      if (tamper !== 'garble') this.faults.garble--;
      const at = out.length - 1; // last CRC byte: the frame stays well-formed but fails its CRC
      const flipped = (out[at] ?? 0) ^ 0x5a;
      // Never turn it into a lone STX, which would read as the start of another frame.
      out[at] = flipped === 0x7f ? flipped ^ 0x01 : flipped;
    }
    const write = (): void => {
      if (this.closed) return;
      this.port.write(out);
      if (tamper === 'duplicate') this.port.write(out);
    };
    if (this.faults.delayMs > 0) setTimeout(write, this.faults.delayMs);
    else write();
  }
}
