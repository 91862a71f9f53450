import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { ADMIN_ONLY } from '../admin-auth.js';
import { idString } from '../schemas.js';

const nextBody = {
  type: 'object',
  additionalProperties: false,
  required: ['stationId'],
  properties: { stationId: idString },
} as const;

/** KitchenQueueService: the priority queue (ZPOPMAX) and the orders being cooked. */
export function registerKitchenRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const { kitchen, orders } = services;

  app.get('/kitchen', { config: ADMIN_ONLY }, async () => ({
    queueLength: await kitchen.queueLength(),
    queue: await kitchen.peekQueue(20),
    inProgress: await kitchen.inProgress(),
  }));

  // The next order for a station, marked `cooking`; 204 when nothing is waiting.
  app.post<{ Body: { stationId: string } }>(
    '/kitchen/next',
    { config: ADMIN_ONLY, schema: { body: nextBody } },
    async (request, reply) => {
      const next = await orders.startNextOrder(request.body.stationId);
      if (next === null) return reply.status(204).send();
      return next;
    },
  );
}
