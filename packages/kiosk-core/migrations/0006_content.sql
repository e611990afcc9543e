-- 0006: content delivered by the fleet server (signed manifests, encrypted tracks).
-- Immutable once released: a change is a new numbered file, never an edit.

-- A synced track is a JBX1 blob named by its SHA-256 under <dataDir>/content/blobs; it stays
-- encrypted on disk and is decrypted while it plays with its content key, which the manifest
-- carries wrapped for this box's X25519 key (only this box can unwrap it).
ALTER TABLE tracks ADD COLUMN content_sha256 TEXT;
ALTER TABLE tracks ADD COLUMN wrapped_key TEXT;

-- Manifests the box accepted, newest last. A manifest older than the newest is refused, so a
-- replayed old manifest cannot roll the content back.
CREATE TABLE manifests (
  version INTEGER PRIMARY KEY CHECK (version > 0),
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  accepted_at TEXT NOT NULL,
  tracks INTEGER NOT NULL,
  graphics INTEGER NOT NULL,
  -- The signed manifest as received (JSON), so it can be verified again later.
  signed TEXT NOT NULL CHECK (json_valid(signed))
);
