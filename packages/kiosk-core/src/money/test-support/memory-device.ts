import type {
  Denomination,
  MoneyDevice,
  MoneyDeviceInfo,
  MoneyEvent,
  MoneyOpenOptions,
} from '@jukebox/firmware-hal/money';

/**
 * An in-memory MoneyDevice for the service and core tests. It behaves like a driver at the
 * interface (numbered events with a checkpoint, inhibits, open failures); the real drivers
 * are tested over ptys against the protocol simulators in firmware-hal.
 */
export class MemoryMoneyDevice implements MoneyDevice {
  /** Every `open()` call's resume argument, oldest first. */
  readonly opens: MoneyOpenOptions[] = [];
  enabled: readonly number[] = [];
  masterInhibit = true;
  isOpen = false;
  /** Number of `open()` calls still to fail (simulates an unplugged unit). */
  failOpens = 0;
  /** The device's own event counter; restored from the checkpoint at open. */
  counter = 0;
  private readonly listeners = new Set<(event: MoneyEvent) => void>();

  constructor(
    readonly kind: 'cctalk' | 'essp',
    readonly unit: string,
    readonly denominations: readonly Denomination[],
  ) {}

  open(resume: MoneyOpenOptions): Promise<MoneyDeviceInfo> {
    this.opens.push(resume);
    if (this.failOpens > 0) {
      this.failOpens--;
      return Promise.reject(new Error(`${this.unit}: no reply`));
    }
    if (resume.device === this.unit && resume.checkpoint) this.counter = Number(resume.checkpoint);
    this.isOpen = true;
    this.masterInhibit = true;
    return Promise.resolve({ kind: this.kind, id: this.unit, denominations: this.denominations });
  }

  close(): Promise<void> {
    this.isOpen = false;
    return Promise.resolve();
  }

  setEnabledDenominations(positions: readonly number[]): Promise<void> {
    this.enabled = [...positions];
    return Promise.resolve();
  }

  setMasterInhibit(inhibited: boolean): Promise<void> {
    this.masterInhibit = inhibited;
    return Promise.resolve();
  }

  onEvent(listener: (event: MoneyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A patron inserts the coin or note at `position`. Refused (a reject event) when the
   * device is closed, inhibited or the position disabled, as real hardware hands it back.
   */
  insert(position: number): void {
    const d = this.denominations.find((x) => x.position === position);
    if (!d || !this.isOpen || this.masterInhibit || !this.enabled.includes(position)) {
      this.emit({ type: 'reject', device: this.unit, reason: 'inhibited', code: 0 });
      return;
    }
    this.counter++;
    this.emit({
      type: 'credit',
      device: this.unit,
      deviceEventId: `e${this.counter}`,
      valueCents: d.valueCents,
      position,
      checkpoint: String(this.counter),
    });
  }

  /** Delivers any event as the driver would (replays, faults, status changes). */
  emit(event: MoneyEvent): void {
    for (const l of this.listeners) l(event);
  }
}

/** A coin acceptor taking quarters (1) and dollars (2), a bill validator taking $5 (1). */
export function coinAndNote(): { coin: MemoryMoneyDevice; note: MemoryMoneyDevice } {
  return {
    coin: new MemoryMoneyDevice('cctalk', 'cctalk:SIM:100', [
      { position: 1, valueCents: 25, label: 'US025A' },
      { position: 2, valueCents: 100, label: 'US100A' },
      { position: 3, valueCents: 50, label: 'US050A' },
    ]),
    note: new MemoryMoneyDevice('essp', 'essp:SIM:200', [
      { position: 1, valueCents: 500, currency: 'USD', label: 'USD 5' },
    ]),
  };
}
