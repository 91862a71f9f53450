import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { NotFoundError } from '../../domain/errors.js';
import type { OrderLine } from '../../domain/types.js';
import { MAX_PRIORITY } from '../../services/kitchen-queue-service.js';
import { ADMIN_ONLY } from '../admin-auth.js';
import { idString, orderLinesSchema, paramsOf, slugString } from '../schemas.js';

const orderParams = paramsOf('orderId');
const ingredientParams = {
  type: 'object',
  required: ['ingredientId'],
  properties: { ingredientId: slugString },
} as const;

const placeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId', 'items'],
  properties: {
    customerId: idString,
    items: { ...orderLinesSchema, minItems: 1 },
    priority: { type: 'integer', minimum: 0, maximum: MAX_PRIORITY },
    orderId: idString,
  },
} as const;

const adjustBody = {
  type: 'object',
  additionalProperties: false,
  required: ['change'],
  properties: { change: { type: 'integer', minimum: -10_000, maximum: 10_000, not: { const: 0 } } },
} as const;

interface PlaceOrderBody {
  customerId: string;
  items: OrderLine[];
  priority?: number;
  orderId?: string;
}

/** OrderProcessingService (orders under an order lock) and its InventoryService (per-ingredient locks, fencing). */
export function registerOrderRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const { orders, inventory } = services;

  app.post<{ Body: PlaceOrderBody }>('/orders', { schema: { body: placeBody } }, async (request, reply) => {
    const { customerId, items, priority, orderId } = request.body;
    const order = await orders.placeOrder({
      customerId,
      lines: items,
      ...(priority === undefined ? {} : { priority }),
      ...(orderId === undefined ? {} : { orderId }),
    });
    return reply.status(201).send(order);
  });

  app.get<{ Params: { orderId: string } }>(
    '/orders/:orderId',
    { schema: { params: orderParams } },
    async (request) => {
      const order = await orders.getOrder(request.params.orderId);
      if (order === null) throw new NotFoundError('order', request.params.orderId);
      return order;
    },
  );

  app.post<{ Params: { orderId: string } }>(
    '/orders/:orderId/process',
    { config: ADMIN_ONLY, schema: { params: orderParams } },
    async (request) => orders.processOrderSafely(request.params.orderId),
  );

  app.post<{ Params: { orderId: string } }>(
    '/orders/:orderId/complete',
    { config: ADMIN_ONLY, schema: { params: orderParams } },
    async (request) => orders.completeOrder(request.params.orderId),
  );

  app.get('/inventory', { config: ADMIN_ONLY }, async () => ({
    ingredients: await inventory.listInventory(),
  }));

  app.get<{ Params: { ingredientId: string } }>(
    '/inventory/:ingredientId',
    { config: ADMIN_ONLY, schema: { params: ingredientParams } },
    async (request) => {
      const stock = await inventory.getIngredientStock(request.params.ingredientId);
      if (stock === null) throw new NotFoundError('ingredient', request.params.ingredientId);
      return { ingredientId: request.params.ingredientId, stock };
    },
  );

  app.post<{ Params: { ingredientId: string }; Body: { change: number } }>(
    '/inventory/:ingredientId/adjust',
    { config: ADMIN_ONLY, schema: { params: ingredientParams, body: adjustBody } },
    async (request) => ({
      ingredientId: request.params.ingredientId,
      stock: await inventory.coordinateInventoryUpdate(request.params.ingredientId, request.body.change),
    }),
  );
}
