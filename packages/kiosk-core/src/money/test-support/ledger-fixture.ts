import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moneyConfig } from '@jukebox/protocol';
import { openDatabase, type Db } from '../../db/index.js';
import { CreditLedger } from '../ledger.js';

/** Quarter = 1, dollar = 4, five = 20 + 2 bonus. */
export const testPricing = moneyConfig.parse({
  // Paid play even though these tests configure no devices (see isFreePlay).
  freePlay: false,
  table: [
    { valueCents: 25, credits: 1 },
    { valueCents: 100, credits: 4 },
    { valueCents: 500, credits: 20, bonus: 2 },
  ],
});

/** A ledger on a real SQLite file in a fresh temp dir; `close()` removes it. */
export function ledgerFixture(prefix = 'kc-money-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'box.db');
  const db: Db = openDatabase(file);
  return {
    file,
    db,
    ledger: new CreditLedger(db, testPricing),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A coin event; the id doubles as the counter value. */
export function coin(id: number, valueCents = 25) {
  return {
    device: 'coin',
    deviceEventId: `SN1:${id}`,
    valueCents,
    denomination: `C${valueCents}`,
    counter: { serial: 'SN1', value: id },
  };
}
