import type { StaffRole } from '@jukebox/protocol';

/** Who is looking, for queries whose answer depends on it. */
export interface Viewer {
  userId: number;
  roles: ReadonlySet<StaffRole>;
}

/** Roles that see every box and route; a route operator sees only their own routes. */
const FLEET_WIDE: readonly StaffRole[] = ['admin', 'technician'];

/**
 * The part of the fleet a viewer may see: everything, or the routes they are assigned to.
 * One function, so every listing (boxes now; plays, money and sync bundles later) scopes the
 * same way.
 */
export type FleetScope = { kind: 'all' } | { kind: 'assigned-routes'; userId: number };

export function fleetScope(viewer: Viewer): FleetScope {
  return FLEET_WIDE.some((r) => viewer.roles.has(r))
    ? { kind: 'all' }
    : { kind: 'assigned-routes', userId: viewer.userId };
}
