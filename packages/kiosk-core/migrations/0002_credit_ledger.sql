-- 0002: the credit ledger, device event counters and cash collections.
-- Immutable once released: a change is a new numbered file, never an edit.

-- Append-only: every change of credit is a row, and a row never changes or goes away (the
-- triggers below refuse it). seq is the per-box sequence number; AUTOINCREMENT keeps it from
-- ever being reused.
CREATE TABLE ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('credit', 'spend', 'refund', 'free', 'adjust')),
  -- Signed change of the balance: credits earned (base + bonus) or spent (negative).
  credits INTEGER NOT NULL CHECK (credits <> 0),
  -- Part of `credits` that is a note bonus (reports tell paid from promotional credit).
  bonus INTEGER NOT NULL DEFAULT 0 CHECK (bonus = 0 OR (kind = 'credit' AND bonus > 0 AND bonus < credits)),
  -- Running balance after this row. The trigger below proves it follows the previous row, so
  -- the balance is one indexed read and can never drift from the sum of `credits`.
  balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
  -- Money in, in minor units of the configured currency; credit rows only.
  value_cents INTEGER,
  device TEXT,
  device_event_id TEXT,
  denomination TEXT,
  reason TEXT,
  staff TEXT,
  -- What the row is about: a queue entry, a play seq, a burn order.
  ref TEXT,
  CHECK (kind <> 'credit' OR (credits > 0 AND value_cents > 0
    AND device IS NOT NULL AND device_event_id IS NOT NULL AND denomination IS NOT NULL)),
  CHECK (kind = 'credit' OR (value_cents IS NULL AND device IS NULL AND device_event_id IS NULL)),
  CHECK (kind <> 'spend' OR credits < 0),
  CHECK (kind NOT IN ('refund', 'free') OR credits > 0),
  CHECK (kind NOT IN ('refund', 'free', 'adjust') OR length(trim(reason)) > 0),
  CHECK (kind NOT IN ('free', 'adjust') OR length(trim(staff)) > 0),
  -- Exactly once per device event: a replayed event cannot insert a second credit.
  UNIQUE (device, device_event_id)
);
CREATE INDEX ledger_ref ON ledger (ref) WHERE ref IS NOT NULL;

CREATE TRIGGER ledger_running_balance BEFORE INSERT ON ledger
WHEN NEW.balance_after IS NOT
  coalesce((SELECT balance_after FROM ledger ORDER BY seq DESC LIMIT 1), 0) + NEW.credits
BEGIN
  SELECT RAISE(ABORT, 'ledger: balance_after does not follow the previous row');
END;

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'ledger is append-only: rows cannot be updated');
END;

CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'ledger is append-only: rows cannot be deleted');
END;

-- Last event counter seen per acceptor (ccTalk header 229). Written in the same transaction as
-- the credit it accounts for, so after a restart the counter and the ledger always agree.
CREATE TABLE device_counters (
  device TEXT PRIMARY KEY,
  serial TEXT NOT NULL,
  counter INTEGER NOT NULL CHECK (counter >= 0),
  updated_at TEXT NOT NULL
);

-- A route operator emptied the cash box: totals restart after `through_seq`.
CREATE TABLE collections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  staff TEXT NOT NULL CHECK (length(trim(staff)) > 0),
  -- Highest ledger seq counted in this collection.
  through_seq INTEGER NOT NULL CHECK (through_seq >= 0)
);

CREATE TRIGGER collections_no_update BEFORE UPDATE ON collections
BEGIN
  SELECT RAISE(ABORT, 'collections are append-only: rows cannot be updated');
END;

CREATE TRIGGER collections_no_delete BEFORE DELETE ON collections
BEGIN
  SELECT RAISE(ABORT, 'collections are append-only: rows cannot be deleted');
END;
