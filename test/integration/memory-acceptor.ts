import type {
  Denomination,
  MoneyDevice,
  MoneyDeviceInfo,
  MoneyEvent,
} from '@jukebox/firmware-hal/money';

/** A minimal acceptor at the MoneyDevice interface: inserts become numbered credit events. */
export class Acceptor implements MoneyDevice {
  inhibited = true;
  private counter = 0;
  private readonly listeners = new Set<(e: MoneyEvent) => void>();
  constructor(
    readonly kind: 'cctalk' | 'essp',
    readonly id: string,
    readonly denominations: Denomination[],
  ) {}
  open(): Promise<MoneyDeviceInfo> {
    return Promise.resolve({ kind: this.kind, id: this.id, denominations: this.denominations });
  }
  close = () => Promise.resolve();
  setEnabledDenominations = () => Promise.resolve();
  setMasterInhibit(inhibited: boolean): Promise<void> {
    this.inhibited = inhibited;
    return Promise.resolve();
  }
  onEvent(listener: (e: MoneyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: MoneyEvent): void {
    for (const l of this.listeners) l(e);
  }
  insert(valueCents: number): void {
    const d = this.denominations.find((x) => x.valueCents === valueCents);
    if (!d || this.inhibited) throw new Error('the acceptor would hand this back');
    this.counter++;
    this.emit({
      type: 'credit',
      device: this.id,
      deviceEventId: String(this.counter),
      valueCents,
      position: d.position,
      checkpoint: String(this.counter),
    });
  }
}
