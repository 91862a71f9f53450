import type { FastifyInstance, FastifyReply } from 'fastify';
import { hasAdminToken } from './admin-auth.js';
import type { ErrorBody } from './error-handler.js';
import type { RateDecision, RateLimiter } from './rate-limiter.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Checks every request before its body is read: first the client's rate budget (429), then, on
 * admin routes, the Bearer token (401). A refused token also counts against the client's write
 * budget, so guessing it is as slow as flooding the API. `limiter` undefined: no rate limit.
 */
export function registerRequestGuards(
  app: FastifyInstance,
  guards: { readonly adminToken: string; readonly limiter: RateLimiter | undefined },
): void {
  const { adminToken, limiter } = guards;
  app.addHook('onRequest', async (request, reply) => {
    if (limiter !== undefined) {
      const any = limiter.take(request.ip, 'any');
      if (!any.allowed) return tooMany(reply, any);
      if (WRITE_METHODS.has(request.method)) {
        const write = limiter.take(request.ip, 'write');
        if (!write.allowed) return tooMany(reply, write);
      }
    }
    if (request.routeOptions.config?.admin !== true) return;
    if (hasAdminToken(request.headers.authorization, adminToken)) return;
    const strike = limiter?.take(request.ip, 'write');
    if (strike !== undefined && !strike.allowed) return tooMany(reply, strike);
    const body: ErrorBody = {
      error: 'this route needs the admin token: Authorization: Bearer <token>',
      code: 'E_UNAUTHORIZED',
    };
    return reply.status(401).header('www-authenticate', 'Bearer realm="pizzeria-admin"').send(body);
  });
}

function tooMany(reply: FastifyReply, decision: RateDecision): FastifyReply {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1_000));
  const body: ErrorBody = { error: `too many requests: retry in ${seconds} s`, code: 'E_RATE_LIMITED' };
  return reply.status(429).header('retry-after', String(seconds)).send(body);
}
