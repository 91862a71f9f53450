import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { ADMIN_ONLY } from '../admin-auth.js';

/**
 * `/health`, `/metrics` (Prometheus text, from `@forno/metrics`) and `/stats` (the performance
 * summary). Every endpoint is listed, with examples, by the OpenAPI page at `/docs`.
 */
export function registerSystemRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  // 200 while the cache answers PING, 503 when it does not (the menu is still served from the
  // fallback and the database, but orders cannot be locked), so a load balancer can tell.
  app.get('/health', async (_request, reply) => {
    const report = await services.health();
    return reply.status(report.status === 'ok' ? 200 : 503).send(report);
  });

  app.get('/stats', { config: ADMIN_ONLY }, async () => services.monitor.getPerformanceSummary());

  // Every repository call (requests by operation and hit/miss, errors by code, latency histograms,
  // connections), lock events, circuit state, retries, fallbacks and the services' lookups.
  app.get('/metrics', { config: ADMIN_ONLY }, async (_request, reply) => {
    const { contentType, body } = await services.monitor.prometheus();
    return reply.type(contentType).send(body);
  });
}
