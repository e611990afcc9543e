import type { Generated, Insertable, Selectable } from 'kysely';
import type { BoxLinkTables } from '../box-link/schema.js';
import type { ContentTables } from '../content/schema.js';
import type { RetailTables } from '../retail/schema.js';

/*
 * Kysely table types of the fleet database, one interface per table, named as in SQL.
 * Times are milliseconds since the epoch (see @jukebox/db portableColumns). Later modules add
 * their tables here beside their own migration.
 */

export type StaffStatus = 'active' | 'disabled';
export type BoxStatus = 'active' | 'revoked';

export interface StaffUsersTable {
  id: Generated<number>;
  /** Lower case; unique. */
  username: string;
  display_name: string;
  /** `scrypt$ln=…,r=…,p=…$salt$hash` (staff/passwords.ts). */
  password_hash: string;
  status: StaffStatus;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface StaffUserRolesTable {
  user_id: number;
  role: string;
}

export interface StaffSessionsTable {
  id: Generated<number>;
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  token_hash: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  /** Absolute end, whatever the activity. */
  expires_at: number;
  user_agent: string | null;
  remote_address: string | null;
}

export interface RoutesTable {
  id: Generated<number>;
  name: string;
  description: string;
  created_at: number;
}

export interface RouteStaffTable {
  route_id: number;
  user_id: number;
  assigned_at: number;
}

export interface BoxesTable {
  /** Text, as carried in the `x-box-id` header. */
  id: string;
  name: string;
  route_id: number | null;
  status: BoxStatus;
  created_at: number;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_user_id: number | null;
  actor_box_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON object. */
  details: string;
  remote_address: string | null;
}

/** Every table: the foundation's below, the others from their modules. */
export interface FleetDatabase extends BoxLinkTables, ContentTables, RetailTables {
  staff_users: StaffUsersTable;
  staff_user_roles: StaffUserRolesTable;
  staff_sessions: StaffSessionsTable;
  routes: RoutesTable;
  route_staff: RouteStaffTable;
  boxes: BoxesTable;
  audit_log: AuditLogTable;
}

export type StaffUserRow = Selectable<StaffUsersTable>;
export type NewBoxRow = Insertable<BoxesTable>;
export type BoxRow = Selectable<BoxesTable>;
export type RouteRow = Selectable<RoutesTable>;
export type AuditRow = Selectable<AuditLogTable>;
