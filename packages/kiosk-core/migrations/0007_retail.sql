-- 0007: the retail CD terminal: orders, burn jobs and their events, recordings, vouchers.
-- Immutable once released: a change is a new numbered file, never an edit.

-- The telemetry outbox learns the retail kinds. SQLite cannot change a CHECK in place, so the
-- table is rebuilt; the triggers that write into it are dropped first and made again below
-- (same bodies as in 0005), and the AUTOINCREMENT high-water mark is carried over, so a seq is
-- never reused even when every row had been acknowledged and deleted.
DROP TRIGGER telemetry_ledger;
DROP TRIGGER telemetry_play;
DROP TRIGGER telemetry_song_request;

CREATE TEMP TABLE outbox_high_water AS
  SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'telemetry_outbox'), 0) AS seq;

CREATE TABLE telemetry_outbox_0007 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN (
    'play', 'ledger', 'song-request', 'status', 'order', 'recording', 'burn-event')),
  data TEXT NOT NULL CHECK (json_valid(data))
);
INSERT INTO telemetry_outbox_0007 (seq, at, kind, data)
  SELECT seq, at, kind, data FROM telemetry_outbox ORDER BY seq;
DROP TABLE telemetry_outbox;
ALTER TABLE telemetry_outbox_0007 RENAME TO telemetry_outbox;
DELETE FROM sqlite_sequence WHERE name IN ('telemetry_outbox', 'telemetry_outbox_0007');
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'telemetry_outbox', max(h.seq, coalesce((SELECT max(seq) FROM telemetry_outbox), 0))
  FROM outbox_high_water h;
DROP TABLE outbox_high_water;

CREATE TRIGGER telemetry_ledger AFTER INSERT ON ledger
BEGIN
  INSERT INTO telemetry_outbox (at, kind, data) VALUES (NEW.at, 'ledger', json_object(
    'entrySeq', NEW.seq, 'kind', NEW.kind, 'credits', NEW.credits, 'bonus', NEW.bonus,
    'balanceAfter', NEW.balance_after, 'valueCents', NEW.value_cents,
    'denomination', NEW.denomination, 'reason', NEW.reason, 'staff', NEW.staff, 'ref', NEW.ref));
END;

CREATE TRIGGER telemetry_play AFTER UPDATE OF status ON play_events
WHEN OLD.status = 'started' AND NEW.status IN ('completed', 'aborted')
BEGIN
  INSERT INTO telemetry_outbox (at, kind, data)
  SELECT coalesce(NEW.ended_at, NEW.started_at), 'play', json_object(
    'playSeq', NEW.seq, 'trackId', NEW.track_id, 'catalogId', t.catalog_id, 'isrc', t.isrc,
    'title', t.title, 'artist', a.name, 'startedAt', NEW.started_at, 'endedAt', NEW.ended_at,
    'completed', json(CASE WHEN NEW.status = 'completed' THEN 'true' ELSE 'false' END),
    'playedMs', NEW.played_ms,
    'paidCredits', coalesce((SELECT paid_credits FROM queue WHERE entry_id = NEW.entry_id), 0))
  FROM tracks t JOIN artists a ON a.id = t.artist_id WHERE t.id = NEW.track_id;
END;

CREATE TRIGGER telemetry_song_request AFTER INSERT ON song_requests
BEGIN
  INSERT INTO telemetry_outbox (at, kind, data)
  VALUES (NEW.at, 'song-request', json_object('requestId', NEW.id, 'text', NEW.text));
END;

-- An order: placed and paid in one transaction with its ledger spend (`spend_seq`).
-- `request_id` makes placing idempotent (a retry after a lost answer gets the same order).
-- `recording_id` is the customer-specific identifier written into the disc's CD-TEXT.
CREATE TABLE retail_orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tracking_number TEXT NOT NULL UNIQUE,
  request_id TEXT UNIQUE,
  recording_id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 80),
  track_count INTEGER NOT NULL CHECK (track_count BETWEEN 1 AND 99),
  duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
  sectors INTEGER NOT NULL CHECK (sectors > 0),
  price INTEGER NOT NULL CHECK (price >= 0),
  spend_seq INTEGER REFERENCES ledger (seq),
  customer_name TEXT,
  customer_email TEXT,
  placed_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'assembling', 'burning', 'verifying', 'done', 'refunded')),
  message TEXT,
  refund_seq INTEGER REFERENCES ledger (seq),
  updated_at TEXT NOT NULL
);

-- The tracks of an order in disc order, with what they were when ordered (the library may
-- change its metadata later; the disc and the reports keep what the customer bought).
CREATE TABLE retail_order_tracks (
  order_id INTEGER NOT NULL REFERENCES retail_orders (id),
  position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 99),
  track_id INTEGER NOT NULL REFERENCES tracks (id),
  catalog_id TEXT,
  isrc TEXT,
  title TEXT NOT NULL,
  artist TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (order_id, position)
) WITHOUT ROWID;

-- One burn job per order. Burners claim `queued` jobs themselves; `tried` lists the burners an
-- earlier attempt failed on (JSON array), so a retry goes to another drive where there is one.
CREATE TABLE burn_jobs (
  order_id INTEGER PRIMARY KEY REFERENCES retail_orders (id),
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'refunded')),
  attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  burner_id TEXT,
  tried TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tried)),
  updated_at TEXT NOT NULL
);
CREATE INDEX burn_jobs_queued ON burn_jobs (state, order_id);

-- Every event of a job, with its time and burner. Append-only like the ledger.
CREATE TABLE burn_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id INTEGER NOT NULL REFERENCES retail_orders (id),
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  burner_id TEXT,
  detail TEXT
);
CREATE INDEX burn_events_order ON burn_events (order_id, id);
CREATE TRIGGER burn_events_no_update BEFORE UPDATE ON burn_events
BEGIN SELECT RAISE(ABORT, 'burn events are append-only'); END;
CREATE TRIGGER burn_events_no_delete BEFORE DELETE ON burn_events
BEGIN SELECT RAISE(ABORT, 'burn events are append-only'); END;

-- A disc made and verified: the recording database of the seeds.
CREATE TABLE recordings (
  recording_number INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id INTEGER NOT NULL REFERENCES retail_orders (id),
  burner_id TEXT NOT NULL,
  media_serial TEXT,
  output_dir TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL
);

-- Vouchers staff issue; a customer redeems one once, for credits (a ledger `free` row).
CREATE TABLE vouchers (
  code TEXT PRIMARY KEY,
  credits INTEGER NOT NULL CHECK (credits > 0),
  issued_at TEXT NOT NULL,
  staff TEXT NOT NULL,
  note TEXT,
  redeemed_at TEXT,
  ledger_seq INTEGER REFERENCES ledger (seq)
) WITHOUT ROWID;
