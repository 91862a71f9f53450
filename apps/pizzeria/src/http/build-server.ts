import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { PizzeriaServices } from '../composition-root.js';
import { errorHandler } from './error-handler.js';
import { registerAnalyticsRoutes } from './routes/analytics-routes.js';
import { registerKitchenRoutes } from './routes/kitchen-routes.js';
import { registerMenuRoutes } from './routes/menu-routes.js';
import { registerOrderRoutes } from './routes/order-routes.js';
import { registerSegmentRoutes } from './routes/segment-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerSystemRoutes } from './routes/system-routes.js';

/** Options of {@link buildServer}. */
export interface BuildServerOptions {
  /** Fastify's logger option (default off, for tests; `main.ts` turns it on). */
  readonly logger?: FastifyServerOptions['logger'];
}

/**
 * The HTTP API: one group of routes per service, JSON schemas on every input, and one error
 * handler (schema errors → 400 naming the field, domain errors → their status, cache errors → 503
 * with their code). Not listening yet: call `listen()`, or `inject()` in tests.
 */
export function buildServer(services: PizzeriaServices, options: BuildServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: {
      customOptions: {
        // Reject unknown fields (with a 400 naming them) instead of silently dropping them.
        removeAdditional: false,
        allErrors: false,
      },
    },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: `no route ${request.method} ${request.url}`, code: 'E_NOT_FOUND' }),
  );
  registerSystemRoutes(app, services);
  registerMenuRoutes(app, services);
  registerSessionRoutes(app, services);
  registerOrderRoutes(app, services);
  registerKitchenRoutes(app, services);
  registerAnalyticsRoutes(app, services);
  registerSegmentRoutes(app, services);
  return app;
}
