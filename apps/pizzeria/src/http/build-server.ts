import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { PizzeriaServices } from '../composition-root.js';
import { registerDashboardRoutes } from '../dashboard/dashboard-routes.js';
import { errorHandler, frameworkErrorHandler } from './error-handler.js';
import { BODY_LIMIT_BYTES } from './json-bounds.js';
import { registerOpenApi } from './openapi/openapi.js';
import { RateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { registerRequestGuards } from './request-guards.js';
import { registerAnalyticsRoutes } from './routes/analytics-routes.js';
import { registerKitchenRoutes } from './routes/kitchen-routes.js';
import { registerMenuRoutes } from './routes/menu-routes.js';
import { registerOrderRoutes } from './routes/order-routes.js';
import { registerSegmentRoutes } from './routes/segment-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerSystemRoutes } from './routes/system-routes.js';
import { registerSecurityHeaders } from './security-headers.js';
import { strictValidatorCompiler } from './strict-validation.js';

/** Options of {@link buildServer}. */
export interface BuildServerOptions {
  /** Fastify's logger option (default off, for tests; `main.ts` turns it on). */
  readonly logger?: FastifyServerOptions['logger'];
  /**
   * The token every admin route requires as `Authorization: Bearer <token>` (prices, stock,
   * caches, the kitchen, segments, campaigns, `/stats`, `/metrics`). Required: no route that
   * changes the shop is open by default. See `adminTokenFromEnv`.
   */
  readonly adminToken: string;
  /** Per-client request budgets (default: 300 requests and 60 writes a minute), or `false` for none. */
  readonly rateLimit?: RateLimitOptions | false;
}

/**
 * The HTTP API: one group of routes per service, strict JSON schemas on every input, request
 * bodies up to {@link BODY_LIMIT_BYTES}, a rate limit per client, the admin token on admin routes,
 * and one error handler (schema errors → 400 naming the field, domain errors → their status, cache
 * outages → 503 with their code); the live dashboard at `/`, the OpenAPI document and its page at
 * `/docs`, helmet's security headers with a strict content security policy on every response.
 * Not listening yet: call `listen()`, or `inject()` in tests.
 */
export function buildServer(services: PizzeriaServices, options: BuildServerOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    frameworkErrors: frameworkErrorHandler,
  });
  app.setValidatorCompiler(strictValidatorCompiler());
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: `no route ${request.method} ${request.url.slice(0, 100)}`, code: 'E_NOT_FOUND' }),
  );
  registerRequestGuards(app, {
    adminToken: options.adminToken,
    limiter: options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit),
  });
  registerSecurityHeaders(app);
  registerOpenApi(app);
  // In a plugin, so the OpenAPI plugin (loaded first) sees every route as it is added.
  void app.register(async (api) => {
    registerDashboardRoutes(api, services);
    registerSystemRoutes(api, services);
    registerMenuRoutes(api, services);
    registerSessionRoutes(api, services);
    registerOrderRoutes(api, services);
    registerKitchenRoutes(api, services);
    registerAnalyticsRoutes(api, services);
    registerSegmentRoutes(api, services);
  });
  return app;
}
