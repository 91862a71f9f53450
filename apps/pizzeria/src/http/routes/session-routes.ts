import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { SessionNotFoundError } from '../../domain/errors.js';
import type { OrderLine } from '../../domain/types.js';
import { assertBoundedJson, PREFERENCES_MAX_BYTES, PREFERENCES_MAX_DEPTH } from '../json-bounds.js';
import { idString, orderLinesSchema, paramsOf } from '../schemas.js';

const customerParams = paramsOf('customerId');

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId'],
  properties: {
    customerId: idString,
    cartItems: orderLinesSchema,
    preferences: { type: 'object', maxProperties: 20 },
  },
} as const;

const cartBody = {
  type: 'object',
  additionalProperties: false,
  required: ['cartItems'],
  properties: { cartItems: orderLinesSchema },
} as const;

interface CreateSessionBody {
  customerId: string;
  cartItems?: OrderLine[];
  preferences?: Record<string, unknown>;
}

/** CustomerSessionService: a hash per customer, 4 h sliding TTL. */
export function registerSessionRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const { sessions } = services;

  app.post<{ Body: CreateSessionBody }>(
    '/sessions',
    { schema: { body: createBody } },
    async (request, reply) => {
      const { customerId, cartItems, preferences } = request.body;
      if (preferences !== undefined) {
        assertBoundedJson(preferences, 'preferences', {
          maxDepth: PREFERENCES_MAX_DEPTH,
          maxBytes: PREFERENCES_MAX_BYTES,
        });
      }
      const session = await sessions.createCustomerSession(customerId, {
        ...(cartItems === undefined ? {} : { cartItems }),
        ...(preferences === undefined ? {} : { preferences }),
      });
      return reply.status(201).send(session);
    },
  );

  app.get<{ Params: { customerId: string } }>(
    '/sessions/:customerId',
    { schema: { params: customerParams } },
    async (request) => {
      const { customerId } = request.params;
      const session = await sessions.getCustomerSession(customerId);
      if (session === null) throw new SessionNotFoundError(customerId);
      return { ...session, ttlMs: await sessions.sessionTtl(customerId) };
    },
  );

  app.put<{ Params: { customerId: string }; Body: { cartItems: OrderLine[] } }>(
    '/sessions/:customerId/cart',
    { schema: { params: customerParams, body: cartBody } },
    async (request) => sessions.updateCustomerCart(request.params.customerId, request.body.cartItems),
  );

  app.get<{ Params: { customerId: string } }>(
    '/sessions/:customerId/cart',
    { schema: { params: customerParams } },
    async (request) => {
      const cartItems = await sessions.getCustomerCart(request.params.customerId);
      if (cartItems === null) throw new SessionNotFoundError(request.params.customerId);
      return { cartItems };
    },
  );

  app.delete<{ Params: { customerId: string } }>(
    '/sessions/:customerId',
    { schema: { params: customerParams } },
    async (request, reply) => {
      if (!(await sessions.endCustomerSession(request.params.customerId))) {
        throw new SessionNotFoundError(request.params.customerId);
      }
      return reply.status(204).send();
    },
  );
}
