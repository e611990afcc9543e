import { sql } from 'kysely';
import { z } from 'zod';
import { publicRoute } from './auth/staff-auth.js';
import type { FleetModule } from './context.js';
import { errorResponses, FleetError } from './errors.js';
import { FLEET_SERVER_VERSION } from './version.js';

/**
 * /healthz answers 200 only when the database answers, so a load balancer takes a server
 * that lost its database out of rotation. /metrics is for Prometheus; like /healthz it is
 * public, so expose the port only where scrapers and balancers are.
 */
export const healthModule: FleetModule = {
  name: 'health',
  register(app, ctx) {
    app.get(
      '/healthz',
      {
        schema: {
          ...publicRoute,
          summary: 'Liveness and database reachability',
          tags: ['meta'],
          response: {
            200: z.object({ status: z.literal('ok'), version: z.string() }),
            ...errorResponses,
          },
        },
      },
      async () => {
        try {
          await sql`select 1`.execute(ctx.db);
        } catch (err) {
          ctx.log.error({ err }, 'health check: database unreachable');
          throw new FleetError('unavailable', 'the database is unreachable');
        }
        return { status: 'ok' as const, version: FLEET_SERVER_VERSION };
      },
    );

    app.get(
      '/metrics',
      {
        schema: {
          ...publicRoute,
          summary: 'Prometheus metrics (text exposition format)',
          tags: ['meta'],
          response: {
            200: { content: { 'text/plain': { schema: z.string() } } },
            ...errorResponses,
          },
        },
      },
      async (_request, reply) => {
        const text = await ctx.metrics.registry.metrics();
        return reply.type(ctx.metrics.registry.contentType).send(text);
      },
    );
  },
};
