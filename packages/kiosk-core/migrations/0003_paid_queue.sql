-- 0003: paid queue entries ("play next" priority, the price paid) and acceptor checkpoints.
-- Immutable once released: a change is a new numbered file, never an edit.

-- Entries play by priority (highest first), then in entry_id order: 0 a plain pick, 1 a paid
-- "play next", 2 an entry put back at the head by recover() after a crash cut it short.
ALTER TABLE queue ADD COLUMN priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 2);
-- Credits spent on this entry (ledger ref 'queue:<entry_id>'): what a failed play refunds.
ALTER TABLE queue ADD COLUMN paid_credits INTEGER NOT NULL DEFAULT 0 CHECK (paid_credits >= 0);
DROP INDEX queue_state;
CREATE INDEX queue_order ON queue (state, priority DESC, entry_id);

-- The opaque checkpoint each acceptor last reported (ccTalk: the last applied 229 reply),
-- keyed by the configured device id. Written in the same transaction as the credit it came
-- with, and handed back to the driver at open(): a restart replays nothing and skips nothing.
-- `unit` is the physical unit the checkpoint belongs to; a replaced unit must not inherit it.
CREATE TABLE device_checkpoints (
  device TEXT PRIMARY KEY,
  unit TEXT NOT NULL,
  checkpoint TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
