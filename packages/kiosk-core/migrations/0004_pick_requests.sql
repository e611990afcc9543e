-- 0004: idempotent picks. The UI sends a request id with each pick; a pick that was bought is
-- remembered under it, in the same transaction as the spend and the queue insert, so a retry
-- after a lost answer (the connection dropped) returns the same entry instead of charging again.
-- Immutable once released: a change is a new numbered file, never an edit.
CREATE TABLE pick_requests (
  request_id TEXT PRIMARY KEY,
  track_id INTEGER NOT NULL,
  -- The queue entry as the pick returned it (JSON), answered again to a retry.
  entry TEXT NOT NULL,
  at TEXT NOT NULL
);
