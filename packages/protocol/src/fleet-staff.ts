import { z } from 'zod';

/*
 * The fleet server's staff API (/api/v1/…): request and response bodies shared by the server
 * and any web console. Times are ISO 8601 in UTC; ids of staff users and routes are positive
 * integers; box ids are strings (the value of the `x-box-id` header).
 */

/**
 * What a staff member may do; a user may hold several.
 * - admin: staff accounts, roles, routes and their assignments, the audit log
 * - catalog-manager: the master catalog and content push
 * - bookkeeper: money, play counts and royalties (read mostly)
 * - route-operator: the boxes on their own routes (collections, offline sync)
 * - technician: every box, for service and diagnostics
 */
export const staffRole = z.enum([
  'admin',
  'catalog-manager',
  'bookkeeper',
  'route-operator',
  'technician',
]);
export type StaffRole = z.infer<typeof staffRole>;
export const staffRoles = staffRole.options;

/** Lower-case so that "Ann" and "ann" can never be two accounts. */
export const staffUsername = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,62}$/,
    'a username is 2-63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** Length is what makes a password strong; 12 is the floor, 1024 bounds the hashing work. */
export const staffPassword = z
  .string()
  .min(12, 'a password has at least 12 characters')
  .max(1024, 'a password has at most 1024 characters');

export const fleetId = z.number().int().positive();
export const isoTime = z.iso.datetime();

const roleList = z
  .array(staffRole)
  .max(staffRoles.length)
  .refine((roles) => new Set(roles).size === roles.length, 'a role is listed twice');

export const staffUser = z.object({
  id: fleetId,
  username: staffUsername,
  displayName: z.string(),
  roles: z.array(staffRole),
  status: z.enum(['active', 'disabled']),
  /** Routes this user is assigned to (meaningful for route operators). */
  routeIds: z.array(fleetId),
  createdAt: isoTime,
  lastLoginAt: isoTime.nullable(),
});
export type StaffUser = z.infer<typeof staffUser>;

/** Login accepts any case for the username; it is compared in lower case. */
export const staffLoginRequest = z.strictObject({
  username: z.string().min(1).max(63),
  password: z.string().min(1).max(1024),
});
export type StaffLoginRequest = z.infer<typeof staffLoginRequest>;

export const staffSessionInfo = z.object({
  /** The session ends at this time whatever the activity. */
  expiresAt: isoTime,
  /** And earlier, after this many seconds without a request. */
  idleTimeoutSeconds: z.number().int().positive(),
});
export type StaffSessionInfo = z.infer<typeof staffSessionInfo>;

export const staffLoginResponse = z.object({
  /** Bearer token: send as `Authorization: Bearer <token>`. Shown once; the server keeps a hash. */
  token: z.string(),
  session: staffSessionInfo,
  user: staffUser,
});
export type StaffLoginResponse = z.infer<typeof staffLoginResponse>;

export const staffMeResponse = z.object({ user: staffUser, session: staffSessionInfo });
export type StaffMeResponse = z.infer<typeof staffMeResponse>;

export const createStaffRequest = z.strictObject({
  username: staffUsername,
  displayName: z.string().trim().min(1).max(100).optional(),
  password: staffPassword,
  roles: roleList,
});
export type CreateStaffRequest = z.infer<typeof createStaffRequest>;

export const setStaffRolesRequest = z.strictObject({ roles: roleList });
export type SetStaffRolesRequest = z.infer<typeof setStaffRolesRequest>;

export const resetStaffPasswordRequest = z.strictObject({ password: staffPassword });
export type ResetStaffPasswordRequest = z.infer<typeof resetStaffPasswordRequest>;

export const changeOwnPasswordRequest = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: staffPassword,
});
export type ChangeOwnPasswordRequest = z.infer<typeof changeOwnPasswordRequest>;

export const staffListResponse = z.object({ users: z.array(staffUser) });
export type StaffListResponse = z.infer<typeof staffListResponse>;

/** A route: a named list of boxes that route operators service. */
export const fleetRoute = z.object({
  id: fleetId,
  name: z.string(),
  description: z.string(),
  staffIds: z.array(fleetId),
  boxCount: z.number().int().nonnegative(),
  createdAt: isoTime,
});
export type FleetRoute = z.infer<typeof fleetRoute>;

export const createFleetRouteRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
});
export type CreateFleetRouteRequest = z.infer<typeof createFleetRouteRequest>;

export const fleetRouteListResponse = z.object({ routes: z.array(fleetRoute) });
export type FleetRouteListResponse = z.infer<typeof fleetRouteListResponse>;

export const fleetBoxId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'not a box id');

export const fleetBoxSummary = z.object({
  id: fleetBoxId,
  name: z.string(),
  status: z.enum(['active', 'revoked']),
  routeId: fleetId.nullable(),
  routeName: z.string().nullable(),
  createdAt: isoTime,
});
export type FleetBoxSummary = z.infer<typeof fleetBoxSummary>;

export const fleetBoxListResponse = z.object({ boxes: z.array(fleetBoxSummary) });
export type FleetBoxListResponse = z.infer<typeof fleetBoxListResponse>;

/** `routeId: null` takes the box off its route. */
export const setBoxRouteRequest = z.strictObject({ routeId: fleetId.nullable() });
export type SetBoxRouteRequest = z.infer<typeof setBoxRouteRequest>;

export const auditEntry = z.object({
  id: fleetId,
  at: isoTime,
  /** The staff user who acted; null for the system or a box. */
  actorUserId: fleetId.nullable(),
  actorUsername: z.string().nullable(),
  /** Dotted verb, e.g. `staff.create`, `route.assign-staff`. */
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditListQuery = z.strictObject({
  /** Entries with an id below this (the `nextBefore` of the previous page). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditListQuery = z.infer<typeof auditListQuery>;

export const auditListResponse = z.object({
  entries: z.array(auditEntry),
  nextBefore: fleetId.nullable(),
});
export type AuditListResponse = z.infer<typeof auditListResponse>;

/**
 * Stable error codes of the fleet API (the HTTP status says the class; the code says which).
 * Clients map codes to messages; `message` is for humans and logs.
 */
export const fleetErrorCodes = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'internal',
  'unavailable',
] as const;

export const fleetErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** For validation errors: each offending field, as `body.roles.0`, `query.limit`, … */
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type FleetErrorBody = z.infer<typeof fleetErrorBody>;
