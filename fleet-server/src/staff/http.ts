import { z } from 'zod';
import {
  changeOwnPasswordRequest,
  createStaffRequest,
  resetStaffPasswordRequest,
  setStaffRolesRequest,
  staffListResponse,
  staffLoginRequest,
  staffLoginResponse,
  staffMeResponse,
  staffUser,
} from '@jukebox/protocol';
import { publicRoute, staffOf } from '../auth/staff-auth.js';
import { isoTime } from '../clock.js';
import type { FleetModule } from '../context.js';
import { idParam } from '../http-params.js';
import { errorResponses } from '../errors.js';

const userParams = z.strictObject({ userId: idParam });
const noContent = { 204: z.undefined().describe('Done'), ...errorResponses };

/** Sign-in, the signed-in user's own account, and the admin's staff management. */
export const staffModule: FleetModule = {
  name: 'staff',
  register(app, ctx) {
    const anyStaff = ctx.auth.requireRole();
    const admin = ctx.auth.requireRole('admin');
    const tags = ['staff'];

    app.post(
      '/api/v1/auth/login',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Sign in with username and password; returns a bearer token',
          description: 'Repeated failures for one username are slowed down: 429 with Retry-After.',
          body: staffLoginRequest,
          response: { 200: staffLoginResponse, ...errorResponses },
        },
      },
      async (request) =>
        ctx.staff.login(request.body.username, request.body.password, {
          userAgent: request.headers['user-agent'],
          remoteAddress: request.ip,
        }),
    );

    app.post(
      '/api/v1/auth/logout',
      {
        onRequest: anyStaff.onRequest,
        schema: { ...anyStaff.schema, tags, summary: 'End this session', response: noContent },
      },
      async (request, reply) => {
        await ctx.sessions.revoke(staffOf(request).sessionId);
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/v1/me',
      {
        onRequest: anyStaff.onRequest,
        schema: {
          ...anyStaff.schema,
          tags,
          summary: 'The signed-in user and their session',
          response: { 200: staffMeResponse, ...errorResponses },
        },
      },
      async (request) => {
        const who = staffOf(request);
        return {
          user: await ctx.staff.get(who.userId),
          session: {
            expiresAt: isoTime(who.sessionExpiresAt),
            idleTimeoutSeconds: ctx.config.sessions.idleTimeoutSeconds,
          },
        };
      },
    );

    app.post(
      '/api/v1/me/password',
      {
        onRequest: anyStaff.onRequest,
        schema: {
          ...anyStaff.schema,
          tags,
          summary: 'Change your own password (ends your other sessions)',
          body: changeOwnPasswordRequest,
          response: noContent,
        },
      },
      async (request, reply) => {
        const who = staffOf(request);
        await ctx.staff.changeOwnPassword(
          who.actor,
          who.sessionId,
          request.body.currentPassword,
          request.body.newPassword,
        );
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/v1/staff',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'List staff accounts',
          response: { 200: staffListResponse, ...errorResponses },
        },
      },
      async () => ({ users: await ctx.staff.list() }),
    );

    app.post(
      '/api/v1/staff',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'Create a staff account',
          body: createStaffRequest,
          response: { 201: staffUser, ...errorResponses },
        },
      },
      async (request, reply) => {
        const user = await ctx.staff.create(request.body, staffOf(request).actor);
        return reply.code(201).send(user);
      },
    );

    app.get(
      '/api/v1/staff/:userId',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'One staff account',
          params: userParams,
          response: { 200: staffUser, ...errorResponses },
        },
      },
      async (request) => ctx.staff.get(request.params.userId),
    );

    app.put(
      '/api/v1/staff/:userId/roles',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: 'Replace the roles of a staff account',
          params: userParams,
          body: setStaffRolesRequest,
          response: { 200: staffUser, ...errorResponses },
        },
      },
      async (request) =>
        ctx.staff.setRoles(request.params.userId, request.body.roles, staffOf(request).actor),
    );

    for (const [action, status] of [
      ['disable', 'disabled'],
      ['enable', 'active'],
    ] as const) {
      app.post(
        `/api/v1/staff/:userId/${action}`,
        {
          onRequest: admin.onRequest,
          schema: {
            ...admin.schema,
            tags,
            summary:
              action === 'disable'
                ? 'Disable a staff account (ends its sessions)'
                : 'Enable a disabled staff account',
            params: userParams,
            response: { 200: staffUser, ...errorResponses },
          },
        },
        async (request) =>
          ctx.staff.setStatus(request.params.userId, status, staffOf(request).actor),
      );
    }

    app.post(
      '/api/v1/staff/:userId/password',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags,
          summary: "Reset a staff member's password (ends their sessions)",
          params: userParams,
          body: resetStaffPasswordRequest,
          response: { 200: staffUser, ...errorResponses },
        },
      },
      async (request) =>
        ctx.staff.resetPassword(
          request.params.userId,
          request.body.password,
          staffOf(request).actor,
        ),
    );
  },
};
