import { cachedStatement, type Db } from '../db/index.js';
import type { CreditLedger } from './ledger.js';
import type { LedgerResult } from './result.js';
import type { CreditOutcome, DeviceCredit } from './types.js';

/** The checkpoint an acceptor last reported, as stored (migration 0003). */
export interface StoredCheckpoint {
  /** Physical unit (`MoneyDeviceInfo.id`) the checkpoint belongs to. */
  unit: string;
  checkpoint: string;
}

/**
 * Opaque acceptor checkpoints keyed by configured device id. The credit path writes the
 * checkpoint in the same transaction as the ledger row: after a power cut either both the
 * credit and the device state that accounts for it are on disk, or neither is, so the driver
 * neither replays nor skips the coin when it reconciles at the next `open()`.
 */
export class DeviceCheckpoints {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** What to hand to `MoneyDevice.open()` for `device`. */
  get(device: string): StoredCheckpoint | undefined {
    return cachedStatement<[string], StoredCheckpoint>(
      this.db,
      'SELECT unit, checkpoint FROM device_checkpoints WHERE device = ?',
    ).get(device);
  }

  /** Stores a checkpoint that came without a credit (reject, fault, status). */
  save(device: string, stored: StoredCheckpoint): void {
    this.db.transaction(() => this.upsert(device, stored)).immediate();
  }

  /**
   * Grants a device credit and stores its checkpoint in ONE immediate transaction (the
   * ledger's own transaction nests as a savepoint). A replay (`duplicate`) leaves the stored
   * checkpoint alone: the one written with the original credit is at least as new. A refusal
   * (no price rule) still stores it: the device has moved past that event, and replaying it
   * at the next start would only repeat the refusal.
   */
  credit(
    ledger: CreditLedger,
    event: DeviceCredit,
    stored: StoredCheckpoint,
  ): LedgerResult<CreditOutcome> {
    return this.db
      .transaction(() => {
        const outcome = ledger.creditFromDevice(event);
        if (!outcome.ok || outcome.value.status === 'credited') this.upsert(event.device, stored);
        return outcome;
      })
      .immediate();
  }

  private upsert(device: string, stored: StoredCheckpoint): void {
    cachedStatement<[string, string, string, string], unknown>(
      this.db,
      `INSERT INTO device_checkpoints (device, unit, checkpoint, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (device) DO UPDATE SET unit = excluded.unit,
         checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
    ).run(device, stored.unit, stored.checkpoint, this.now().toISOString());
  }
}
