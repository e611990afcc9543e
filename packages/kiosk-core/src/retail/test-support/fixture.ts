import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kioskConfig, type KioskConfig, type KioskConfigInput } from '@jukebox/protocol';
import { openDatabase, type Db } from '../../db/index.js';
import { Library } from '../../library/index.js';
import { memoryLog } from '../../library/test-support/silent-log.js';
import { record } from '../../library/test-support/records.js';
import { CreditLedger } from '../../money/index.js';
import { TelemetryOutbox } from '../../telemetry/index.js';

/** A retail terminal's money table: one credit is one cent. */
export const CENT_TABLE = [
  { valueCents: 25, credits: 25 },
  { valueCents: 100, credits: 100 },
  { valueCents: 500, credits: 500 },
  { valueCents: 1000, credits: 1000 },
];

/**
 * A retail box database with `tracks` library rows (metadata only, with made-up file paths:
 * quotes and orders never open them), a cent ledger and the telemetry outbox.
 */
export function retailFixture(
  tracks: { title: string; durationMs: number; isrc?: string }[],
  config: KioskConfigInput = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'kc-retail-'));
  const db: Db = openDatabase(join(dir, 'box.db'));
  const cfg: KioskConfig = kioskConfig.parse({
    mode: 'retail',
    dataDir: dir,
    ...config,
    money: { table: CENT_TABLE, ...config.money },
  });
  const library = new Library(db, {
    dataDir: dir,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  library.insertRecords(
    tracks.map((t, i) =>
      record({
        title: t.title,
        artist: `Artist ${i + 1}`,
        durationMs: t.durationMs,
        isrc: t.isrc ?? null,
        path: join(dir, `track-${i + 1}.mp3`),
      }),
    ),
  );
  const ids = library
    .listTracks({ sort: 'title', offset: 0, limit: 500 })
    .items.sort((a, b) => a.id - b.id)
    .map((t) => t.id);
  const ledger = new CreditLedger(db, cfg.money);
  const outbox = new TelemetryOutbox(db);
  return {
    dir,
    db,
    config: cfg,
    library,
    ledger,
    outbox,
    ids,
    /** Puts `cents` on the balance as a staff grant (stands for coins inserted). */
    pay(cents: number) {
      const r = ledger.freeCredits(cents, 'test money', 'test');
      if (!r.ok) throw new Error(r.error.message);
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
