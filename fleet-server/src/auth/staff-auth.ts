import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { StaffRole } from '@jukebox/protocol';
import type { StaffActor } from '../audit/log.js';
import { FleetError } from '../errors.js';
import type { StaffService } from '../staff/service.js';
import type { SessionStore } from '../staff/sessions.js';

/** Name of the bearer-session security scheme in the OpenAPI document. */
export const STAFF_SESSION_SCHEME = 'staffSession';

/** The signed-in staff member behind a request, set by a guard. */
export interface AuthenticatedStaff {
  userId: number;
  username: string;
  roles: ReadonlySet<StaffRole>;
  sessionId: number;
  sessionExpiresAt: number;
  actor: StaffActor;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: AuthenticatedStaff | null;
  }
}

/** What a route spreads into its options: the hook that enforces and the schema that says so. */
export interface RouteGuard {
  onRequest: onRequestAsyncHookHandler;
  schema: { security: Record<string, string[]>[]; description: string };
}

/**
 * Marks a route as open to anyone. Every route states its security, either a guard's or this
 * empty list, and the robustness test fails on a route that states neither, so "forgot the
 * guard" cannot ship silently.
 */
export const publicRoute = { security: [] as Record<string, string[]>[] };

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer +([^\s]+) *$/i.exec(header);
  return m?.[1];
}

/**
 * Authorization for staff routes. Guards run as `onRequest` hooks, before the body is read and
 * validated: an anonymous caller gets 401 (and a staff member without the role 403) whatever
 * they sent, and learns nothing about the route's input rules.
 */
export class StaffAuth {
  constructor(
    private readonly sessions: SessionStore,
    private readonly staff: StaffService,
  ) {}

  /**
   * A guard admitting signed-in staff holding at least one of `roles`; with no roles, any
   * signed-in staff member.
   */
  requireRole(...roles: StaffRole[]): RouteGuard {
    const allowed = new Set(roles);
    const onRequest: onRequestAsyncHookHandler = async (request, reply) => {
      const who = await this.authenticate(request);
      if (!who) {
        reply.header('www-authenticate', 'Bearer');
        throw new FleetError(
          'unauthorized',
          'sign in first: send "Authorization: Bearer <token>" from POST /api/v1/auth/login',
        );
      }
      if (allowed.size > 0 && ![...who.roles].some((r) => allowed.has(r))) {
        throw new FleetError(
          'forbidden',
          `this needs one of the roles: ${[...allowed].join(', ')}`,
        );
      }
      request.staff = who;
    };
    return {
      onRequest,
      schema: {
        security: [{ [STAFF_SESSION_SCHEME]: [] }],
        description: roles.length ? `Roles: ${roles.join(', ')}.` : 'Any signed-in staff member.',
      },
    };
  }

  /** The staff member a request's bearer token belongs to, if the session is live. */
  async authenticate(request: FastifyRequest): Promise<AuthenticatedStaff | undefined> {
    const token = bearerToken(request);
    if (!token) return undefined;
    const session = await this.sessions.resolve(token);
    if (!session) return undefined;
    const identity = await this.staff.activeIdentity(session.userId);
    if (!identity) return undefined;
    return {
      userId: session.userId,
      username: identity.username,
      roles: new Set(identity.roles),
      sessionId: session.sessionId,
      sessionExpiresAt: session.expiresAt,
      actor: { userId: session.userId, username: identity.username, remoteAddress: request.ip },
    };
  }
}

/** The staff member set by the route's guard; a route without a guard calling this is a bug. */
export function staffOf(request: FastifyRequest): AuthenticatedStaff {
  if (!request.staff) throw new Error(`route ${request.routeOptions.url} has no staff guard`);
  return request.staff;
}
