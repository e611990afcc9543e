-- 0008: the fleet's attract-mode slides. The images are stored as covers (content-addressed,
-- the same files and rows); this table says which of them are the slides of the installed
-- manifest, in the manifest's order. Each install replaces every row in the same transaction
-- as its tracks, so the slides always belong to the manifest the box runs.
-- Immutable once released: a change is a new numbered file, never an edit.
CREATE TABLE attract_slides (
  position INTEGER PRIMARY KEY CHECK (position >= 0),
  cover_id TEXT NOT NULL UNIQUE REFERENCES covers (id)
);
