import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus registry. Modules add their own gauges and counters to `registry`
 * (`new Counter({ name: 'fleet_…', help, registers: [metrics.registry] })`); everything in it
 * is served at `/metrics`. One registry per server instance, not prom-client's global one, so
 * several servers in one test process do not collide on metric names.
 */
export interface FleetMetrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
}

export function createMetrics(): FleetMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fleet_' });
  const httpRequestDuration = new Histogram({
    name: 'fleet_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}

/**
 * Times every request. The route label is the route's pattern (`/api/v1/staff/:userId`), never
 * the raw URL, and unmatched requests share one label: label values must stay few, or a
 * scanner probing random paths would grow the registry without bound.
 */
export function instrumentRequests(app: FastifyInstance, metrics: FleetMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
