import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PizzeriaServices } from '../composition-root.js';
import { PizzeriaError } from '../domain/errors.js';
import { ADMIN_ONLY } from '../http/admin-auth.js';
import { dashboardAsset } from './dashboard-assets.js';
import { DashboardSampler } from './dashboard-sampler.js';
import { DashboardSnapshots } from './dashboard-snapshot.js';

const snapshotQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { since: { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000, default: 0 } },
} as const;

const chaosBody = {
  type: 'object',
  additionalProperties: false,
  required: ['broken'],
  properties: { broken: { type: 'boolean' } },
} as const;

const assetParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,40}$' } },
} as const;

/** The "break Redis" switch exists only when the app runs with `CHAOS=1`. */
export class ChaosOffError extends PizzeriaError {
  constructor() {
    super('E_CHAOS_OFF', 409, 'the app is not running on the chaos wrapper: start it with CHAOS=1');
  }
}

/**
 * The dashboard: the page at `/` and its assets (`/assets/<name>`, every one from the app's own
 * files and npm packages), `GET /dashboard/snapshot` (admin: what the page shows, polled every
 * second) and `PUT /dashboard/chaos` (admin: the "break Redis" switch of `CHAOS=1`). Samples the
 * app every second while the server is up.
 */
export function registerDashboardRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const sampler = new DashboardSampler(services);
  const snapshots = new DashboardSnapshots(services, sampler);
  app.addHook('onReady', async () => sampler.start());
  app.addHook('onClose', async () => sampler.stop());

  app.get('/', async (request, reply) => sendAsset(request, reply, 'index.html'));

  app.get<{ Params: { name: string } }>(
    '/assets/:name',
    { schema: { params: assetParams, hide: true } },
    async (request, reply) => sendAsset(request, reply, request.params.name),
  );

  app.get<{ Querystring: { since: number } }>(
    '/dashboard/snapshot',
    { config: ADMIN_ONLY, schema: { querystring: snapshotQuery } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return snapshots.snapshot(request.query.since);
    },
  );

  app.put<{ Body: { broken: boolean } }>(
    '/dashboard/chaos',
    { config: ADMIN_ONLY, schema: { body: chaosBody } },
    async (request) => {
      if (services.chaos === undefined) throw new ChaosOffError();
      services.chaos.broken = request.body.broken;
      return { broken: services.chaos.broken };
    },
  );
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, name: string): FastifyReply {
  const asset = dashboardAsset(name);
  if (asset === undefined) {
    return reply.status(404).send({ error: `no asset ${name}`, code: 'E_NOT_FOUND' });
  }
  reply.header('etag', asset.etag).header('cache-control', 'no-cache').type(asset.contentType);
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  return reply.send(asset.body);
}
