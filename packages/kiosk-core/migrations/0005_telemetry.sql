-- 0005: what goes up to the fleet server, and song requests.
-- Immutable once released: a change is a new numbered file, never an edit.

-- The server's id of a track delivered by sync (NULL for music imported from a local folder).
-- Play reports carry it so the server counts plays against its own catalog.
ALTER TABLE tracks ADD COLUMN catalog_id TEXT;
CREATE UNIQUE INDEX tracks_catalog_id ON tracks (catalog_id) WHERE catalog_id IS NOT NULL;

-- A patron asking for a song the box does not have (typed on the on-screen keyboard).
CREATE TABLE song_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 200),
  -- Folded text (lower case, no accents, single spaces): repeats are recognised by it.
  folded TEXT NOT NULL
);
CREATE INDEX song_requests_folded ON song_requests (folded, at);

-- The outbox of telemetry records, ONE sequence per box across kinds. Rows are written by the
-- triggers below, in the same transaction as the fact they report, so a fact can neither be
-- lost before it is reported nor reported without having happened. A row stays until the
-- server acknowledges its seq (the highest contiguous seq it stored), then it is deleted.
-- AUTOINCREMENT: a seq is never reused after deletes, since the server dedups on (box, seq).
CREATE TABLE telemetry_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('play', 'ledger', 'song-request', 'status')),
  data TEXT NOT NULL CHECK (json_valid(data))
);

-- The highest seq the server acknowledged (one row). Kept apart from the outbox so that the
-- acknowledgement survives the rows it deleted.
CREATE TABLE telemetry_ack (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  acked_seq INTEGER NOT NULL CHECK (acked_seq >= 0)
);
INSERT INTO telemetry_ack (id, acked_seq) VALUES (1, 0);

-- Every ledger row goes up (money in, spends, refunds, free credits).
CREATE TRIGGER telemetry_ledger AFTER INSERT ON ledger
BEGIN
  INSERT INTO telemetry_outbox (at, kind, data) VALUES (NEW.at, 'ledger', json_object(
    'entrySeq', NEW.seq, 'kind', NEW.kind, 'credits', NEW.credits, 'bonus', NEW.bonus,
    'balanceAfter', NEW.balance_after, 'valueCents', NEW.value_cents,
    'denomination', NEW.denomination, 'reason', NEW.reason, 'staff', NEW.staff, 'ref', NEW.ref));
END;

-- A play goes up once it ended (completed, or aborted by a failure or a restart).
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

-- History from before this migration goes up too: ledger rows and ended plays, in time order.
INSERT INTO telemetry_outbox (at, kind, data)
SELECT at, kind, data FROM (
  SELECT l.at AS at, 'ledger' AS kind, json_object(
      'entrySeq', l.seq, 'kind', l.kind, 'credits', l.credits, 'bonus', l.bonus,
      'balanceAfter', l.balance_after, 'valueCents', l.value_cents,
      'denomination', l.denomination, 'reason', l.reason, 'staff', l.staff, 'ref', l.ref) AS data
    FROM ledger l
  UNION ALL
  SELECT coalesce(p.ended_at, p.started_at), 'play', json_object(
      'playSeq', p.seq, 'trackId', p.track_id, 'catalogId', NULL, 'isrc', t.isrc,
      'title', t.title, 'artist', a.name, 'startedAt', p.started_at, 'endedAt', p.ended_at,
      'completed', json(CASE WHEN p.status = 'completed' THEN 'true' ELSE 'false' END),
      'playedMs', p.played_ms,
      'paidCredits', coalesce((SELECT paid_credits FROM queue WHERE entry_id = p.entry_id), 0))
    FROM play_events p JOIN tracks t ON t.id = p.track_id JOIN artists a ON a.id = t.artist_id
    WHERE p.status <> 'started'
) ORDER BY at;
