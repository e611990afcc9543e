import { auditListQuery, auditListResponse } from '@jukebox/protocol';
import type { FleetModule } from '../context.js';
import { errorResponses } from '../errors.js';
import { listAudit } from './log.js';

export const auditModule: FleetModule = {
  name: 'audit',
  register(app, ctx) {
    const admin = ctx.auth.requireRole('admin');
    app.get(
      '/api/v1/audit',
      {
        onRequest: admin.onRequest,
        schema: {
          ...admin.schema,
          tags: ['audit'],
          summary: 'The audit log, newest first, paged by id',
          querystring: auditListQuery,
          response: { 200: auditListResponse, ...errorResponses },
        },
      },
      async (request) => listAudit(ctx.db, request.query),
    );
  },
};
