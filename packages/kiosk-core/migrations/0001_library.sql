-- 0001: the box library, queue and play log.
-- Immutable once released: a change is a new numbered file, never an edit (the runner refuses
-- to start when a recorded file's checksum changes).

CREATE TABLE artists (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- Folded name (no accents, lower case) for A-Z order and letter ranges; '#'-letter names
  -- start with a digit or symbol.
  sort_key TEXT NOT NULL,
  letter TEXT NOT NULL
);
-- Lists are ordered by (letter, sort_key): '#' first, then A-Z, one index serves both the
-- A-Z pages and the full list.
CREATE INDEX artists_letter ON artists (letter, sort_key);

CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE albums (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  sort_key TEXT NOT NULL,
  letter TEXT NOT NULL,
  artist_id INTEGER NOT NULL REFERENCES artists (id),
  year INTEGER,
  UNIQUE (artist_id, title)
);
CREATE INDEX albums_letter ON albums (letter, sort_key);

CREATE TABLE covers (
  -- SHA-256 hex of the image bytes; the file is <dataDir>/covers/<id>.
  id TEXT PRIMARY KEY,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL
);

CREATE TABLE tracks (
  id INTEGER PRIMARY KEY,
  -- NULL for metadata-only catalog rows (benchmarks, server-described tracks).
  path TEXT UNIQUE,
  title TEXT NOT NULL,
  sort_key TEXT NOT NULL,
  letter TEXT NOT NULL,
  artist_id INTEGER NOT NULL REFERENCES artists (id),
  album_id INTEGER REFERENCES albums (id),
  category_id INTEGER REFERENCES categories (id),
  year INTEGER,
  track_no INTEGER,
  isrc TEXT,
  explicit INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL,
  file_size INTEGER,
  file_mtime_ms INTEGER,
  -- NULL until the loudness job has measured the file; the player then uses 0 dB + limiter.
  gain_db REAL,
  integrated_lufs REAL,
  true_peak REAL,
  loudness_error TEXT,
  cover_id TEXT REFERENCES covers (id),
  missing INTEGER NOT NULL DEFAULT 0,
  added_at TEXT NOT NULL
);
-- cover_id is in these so that "a cover of this artist/album" is answered from the index.
CREATE INDEX tracks_artist ON tracks (artist_id, missing, cover_id);
CREATE INDEX tracks_album ON tracks (album_id, missing, cover_id);
CREATE INDEX tracks_category ON tracks (category_id, missing, letter, sort_key);
CREATE INDEX tracks_title ON tracks (missing, letter, sort_key);
CREATE INDEX tracks_cover ON tracks (cover_id);
CREATE INDEX tracks_category_cover ON tracks (category_id) WHERE cover_id IS NOT NULL AND missing = 0;
CREATE INDEX tracks_pending_loudness ON tracks (id) WHERE gain_db IS NULL AND loudness_error IS NULL AND path IS NOT NULL;

-- Search indexes, kept in step with the tables by the library code (same transactions).
-- Ranking is done by the library on the matches (src/library/scoring.ts), not by bm25.
-- remove_diacritics 2 folds "Beyoncé" to "beyonce" and "Zoë" to "zoe"; the prefix indexes keep
-- short search-as-you-type prefixes from scanning the whole term list. Tracks also index
-- 1-letter prefixes, for the last word of "mi r" while it is being typed; the small artist and
-- album tables do without.
CREATE VIRTUAL TABLE track_search USING fts5 (
  title, artist, album,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '1 2 3'
);
CREATE VIRTUAL TABLE artist_search USING fts5 (
  name,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '2 3'
);
CREATE VIRTUAL TABLE album_search USING fts5 (
  title, artist,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '2 3'
);

CREATE TABLE queue (
  entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
  track_id INTEGER NOT NULL REFERENCES tracks (id),
  requested_at TEXT NOT NULL,
  -- Entries play in entry_id order, so an entry put back by recover() is again the head.
  state TEXT NOT NULL CHECK (state IN ('queued', 'playing', 'done'))
);
CREATE INDEX queue_state ON queue (state, entry_id);

CREATE TABLE play_events (
  -- AUTOINCREMENT so a sequence number is never reused, even after acknowledged rows are
  -- deleted: the server deduplicates uploads on (box, seq).
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  box_id TEXT NOT NULL,
  track_id INTEGER NOT NULL REFERENCES tracks (id),
  entry_id INTEGER,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('started', 'completed', 'aborted')),
  played_ms INTEGER,
  reason TEXT
);
CREATE INDEX play_events_entry ON play_events (entry_id);
CREATE INDEX play_events_status ON play_events (status) WHERE status = 'started';

CREATE TABLE play_counts (
  track_id INTEGER PRIMARY KEY REFERENCES tracks (id),
  count INTEGER NOT NULL
);
