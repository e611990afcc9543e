import type { Generated, Selectable } from 'kysely';

/*
 * Tables of the box link (enrollment, box keys, server keys, telemetry and what is derived
 * from it), created by migration 0004_box_link. Times are milliseconds since the epoch; JSON
 * columns hold `JSON.stringify` text (see @jukebox/db portableColumns).
 */

export interface EnrollmentCodesTable {
  id: Generated<number>;
  /** SHA-256 (hex) of the normalised code (upper case, no dashes); the code is never stored. */
  code_hash: string;
  /** Name the enrolled box gets (else the name the box reports). */
  name: string | null;
  /** Route the enrolled box is put on. */
  route_id: number | null;
  /** Staff member who made it (null: the CLI). */
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by_box_id: string | null;
  revoked_at: number | null;
}

export interface BoxKeysTable {
  box_id: string;
  /** Raw Ed25519 public key, b64u: verifies the box's requests and hello. Unique. */
  signing_public_key: string;
  /** Raw X25519 public key, b64u: content keys are wrapped for it. */
  agreement_public_key: string;
  enrolled_at: number;
  enrollment_code_id: number | null;
}

export interface ServerKeysTable {
  /** What the key is for: `manifest-signing`. */
  name: string;
  /** Raw Ed25519 public key, b64u. */
  public_key: string;
  /** PKCS#8 DER, b64u. */
  private_key: string;
  created_at: number;
}

export interface TelemetryRecordsTable {
  box_id: string;
  seq: number;
  kind: string;
  /** The record's own time (from the box). */
  at: number;
  received_at: number;
  /** The record's `data`, as received. */
  data: string;
}

export interface BoxLinkStateTable {
  box_id: string;
  /** Highest S with every telemetry seq 1..S of the box stored; never goes back. */
  acked_seq: Generated<number>;
  last_hello_at: number | null;
  /** When the last control channel closed (connected when it is older than the last hello). */
  last_disconnect_at: number | null;
  last_seen_at: number | null;
  software_version: string | null;
  /** From the last hello. */
  acked_manifest_version: Generated<number>;
  last_telemetry_seq: Generated<number>;
  /** JSON of the box's last `statusData`. */
  last_status: string | null;
  last_status_at: number | null;
}

export interface PlaysTable {
  box_id: string;
  /** The telemetry record's seq: the idempotency key. */
  seq: number;
  play_seq: number;
  /** `catalog:<trackId>` or `local:<artist>|<title>` (normalised): what play counts group on. */
  track_key: string;
  catalog_id: string | null;
  local_track_id: number;
  isrc: string | null;
  title: string;
  artist: string;
  started_at: number;
  ended_at: number | null;
  /** 1 played to the end, 0 not. */
  completed: number;
  played_ms: number | null;
  paid_credits: number;
}

export interface PlayCountsTable {
  box_id: string;
  track_key: string;
  catalog_id: string | null;
  title: string;
  artist: string;
  plays: number;
  completed_plays: number;
  paid_credits: number;
  last_played_at: number;
}

export interface LedgerMirrorTable {
  box_id: string;
  seq: number;
  entry_seq: number;
  kind: string;
  credits: number;
  value_cents: number | null;
  denomination: string | null;
  reason: string | null;
  staff: string | null;
  bonus: number | null;
  balance_after: number | null;
  ref: string | null;
  at: number;
}

export interface SongRequestsTable {
  box_id: string;
  seq: number;
  request_id: number | null;
  text: string;
  /** Lower case, accents removed, single spaces: what requests are counted by. */
  normalized: string;
  artist: string | null;
  title: string | null;
  at: number;
}

export interface SongRequestCountsTable {
  normalized: string;
  sample_text: string;
  requests: number;
  first_at: number;
  last_at: number;
}

export interface BoxLinkTables {
  enrollment_codes: EnrollmentCodesTable;
  box_keys: BoxKeysTable;
  server_keys: ServerKeysTable;
  telemetry_records: TelemetryRecordsTable;
  box_link_state: BoxLinkStateTable;
  plays: PlaysTable;
  play_counts: PlayCountsTable;
  ledger_mirror: LedgerMirrorTable;
  song_requests: SongRequestsTable;
  song_request_counts: SongRequestCountsTable;
}

export type EnrollmentCodeRow = Selectable<EnrollmentCodesTable>;
export type BoxLinkStateRow = Selectable<BoxLinkStateTable>;
