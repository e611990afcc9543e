import type { Kysely } from 'kysely';
import { staffRole, staffRoles, type StaffRole, type StaffUser } from '@jukebox/protocol';
import { isoTime } from '../clock.js';
import type { FleetDatabase, StaffUserRow } from '../db/schema.js';

/** Roles in the canonical order of the enum, unknown names (from a newer release) dropped. */
export function sortRoles(roles: Iterable<string>): StaffRole[] {
  const have = new Set(roles);
  return staffRoles.filter((r) => have.has(r));
}

export function isStaffRole(value: string): value is StaffRole {
  return staffRole.safeParse(value).success;
}

/** The API view of staff rows: roles and route assignments loaded in two queries for all. */
export async function staffViews(
  db: Kysely<FleetDatabase>,
  rows: readonly StaffUserRow[],
): Promise<StaffUser[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [roles, routes] = await Promise.all([
    db
      .selectFrom('staff_user_roles')
      .select(['user_id', 'role'])
      .where('user_id', 'in', ids)
      .execute(),
    db
      .selectFrom('route_staff')
      .select(['user_id', 'route_id'])
      .where('user_id', 'in', ids)
      .orderBy('route_id')
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: sortRoles(roles.filter((x) => x.user_id === r.id).map((x) => x.role)),
    status: r.status,
    routeIds: routes.filter((x) => x.user_id === r.id).map((x) => x.route_id),
    createdAt: isoTime(r.created_at),
    lastLoginAt: r.last_login_at === null ? null : isoTime(r.last_login_at),
  }));
}
