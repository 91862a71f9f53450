import { Ajv, type ValidateFunction } from 'ajv';
import type { LightMyRequestResponse } from 'fastify';
import type { FuzzRequest } from './api-fuzz-model.js';

/**
 * What the fuzz test checks of every answer: the status is one the API documents (never a 5xx for
 * client input), errors are in the app's format and name no internal key, and a 2xx body matches
 * the shape of its route (finite prices, integral non-negative stock…).
 */

const ajv = new Ajv({ strictNumbers: true, allErrors: false });

const line = {
  type: 'object',
  required: ['menuItemId', 'quantity'],
  properties: { menuItemId: { type: 'string' }, quantity: { type: 'integer', minimum: 1, maximum: 20 } },
};
const menuItem = {
  type: 'object',
  required: ['id', 'name', 'description', 'price', 'ingredients', 'available'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    price: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    ingredients: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
    available: { type: 'boolean' },
  },
};
const order = {
  type: 'object',
  required: ['id', 'customerId', 'lines', 'priority', 'total', 'status'],
  properties: {
    lines: { type: 'array', items: line },
    total: { type: 'number', minimum: 0 },
    status: { enum: ['pending', 'queued', 'cooking', 'completed', 'rejected'] },
  },
};
const session = {
  type: 'object',
  required: ['customerId', 'cartItems', 'preferences', 'loginTime', 'lastActivity'],
  properties: { cartItems: { type: 'array', items: line }, preferences: { type: 'object' } },
};
const stock = { type: 'integer', minimum: 0 };
const strings = { type: 'array', items: { type: 'string' } };
const errorBody = {
  type: 'object',
  additionalProperties: false,
  required: ['error', 'code'],
  properties: {
    error: { type: 'string', minLength: 1, maxLength: 200 },
    code: { type: 'string', pattern: '^E_[A-Z_]+$' },
    field: { type: 'string', maxLength: 200 },
  },
};

const obj = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
});

/** Shape of a 2xx body per route (routes missing here only need to be JSON or empty). */
const SUCCESS: Readonly<Record<string, object>> = {
  'GET /menu': obj({ items: { type: 'array', items: menuItem } }),
  'GET /menu/:itemId': menuItem,
  'GET /menu/:itemId/resilient': obj({ item: menuItem, source: { enum: ['cache', 'fallback', 'database'] } }),
  'PATCH /menu/:itemId': menuItem,
  'POST /sessions': session,
  'GET /sessions/:customerId': { ...session, required: [...session.required, 'ttlMs'] },
  'PUT /sessions/:customerId/cart': session,
  'GET /sessions/:customerId/cart': obj({ cartItems: { type: 'array', items: line } }),
  'POST /orders': order,
  'GET /orders/:orderId': order,
  'POST /orders/:orderId/process': obj({
    outcome: { enum: ['processed', 'rejected', 'already-processed'] },
    order,
  }),
  'POST /orders/:orderId/complete': obj({ completed: { type: 'boolean' }, order }),
  'GET /inventory': obj({ ingredients: { type: 'array', items: obj({ id: { type: 'string' }, stock }) } }),
  'GET /inventory/:ingredientId': obj({ ingredientId: { type: 'string' }, stock }),
  'POST /inventory/:ingredientId/adjust': obj({ ingredientId: { type: 'string' }, stock }),
  'GET /kitchen': obj({
    queueLength: { type: 'integer', minimum: 0 },
    queue: { type: 'array' },
    inProgress: {},
  }),
  'GET /analytics/top': obj({
    pizzas: { type: 'array', items: obj({ name: { type: 'string' }, orderCount: { type: 'number' } }) },
  }),
  'GET /analytics/hourly': obj({ date: { type: 'string' }, hours: { type: 'object' } }),
  'GET /segments/:segment/customers': obj({ customers: strings }),
  'GET /segments/overlap': obj({ customers: strings }),
  'GET /campaigns/:campaignId/customers': obj({ customers: strings }),
  'POST /campaigns': obj({ targetCount: { type: 'integer', minimum: 0 } }),
  'GET /dashboard/snapshot': obj({
    version: { const: 1 },
    kitchen: { type: 'object' },
    popularity: { type: 'object' },
    hourly: { type: 'object' },
    cache: obj({
      hitRatios: { type: 'array', minItems: 2 },
      totalOperations: { type: 'integer', minimum: 0 },
    }),
    locks: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    samples: { type: 'array' },
  }),
  'PUT /dashboard/chaos': obj({ broken: { type: 'boolean' } }),
};

const validators = new Map<string, ValidateFunction>(
  Object.entries(SUCCESS).map(([route, schema]) => [route, ajv.compile(schema)]),
);
const validError = ajv.compile(errorBody);

/** Statuses a client may get for its input (503 only comes from outages, which the fuzz test has none of). */
const CLIENT_STATUSES = new Set([200, 201, 204, 400, 401, 404, 409, 413, 414, 415, 422]);

/** Internal names an error text must not show. */
const INTERNAL = /mario_pizzeria:|sessions:|menu:item:|inventory:|order_lock|FST_ERR|\bat [\w.]+ \(/;

/** Throws (with the request and the answer) unless the answer keeps the API's promises. */
export function checkAnswer(request: FuzzRequest, response: LightMyRequestResponse, admin: boolean): void {
  const fail = (why: string): never => {
    throw new Error(
      `${why}\n  ${request.method} ${request.url}\n  headers ${JSON.stringify(request.headers)}\n  body ${request.payload?.slice(0, 300)}\n  → ${response.statusCode} ${response.body.slice(0, 500)}`,
    );
  };
  const status = response.statusCode;
  if (!CLIENT_STATUSES.has(status)) fail(`status ${status} is not an answer to client input`);
  if (status === 401 && (!admin || request.authorized))
    fail('401 although the route is open or the token right');
  if (admin && !request.authorized && status < 400) fail('an admin route answered without the token');
  if (status === 204) return;
  if (request.route === 'GET /metrics' && status === 200) {
    if (!String(response.headers['content-type']).startsWith('text/plain'))
      fail('/metrics is not Prometheus text');
    return;
  }
  if (request.route === 'GET /' && status === 200) {
    if (!String(response.headers['content-type']).startsWith('text/html')) fail('the dashboard is not HTML');
    return;
  }
  let body: unknown;
  try {
    body = response.json();
  } catch {
    fail('the answer is not JSON');
  }
  if (status >= 400) {
    if (!validError(body)) fail(`error body not in the app's format: ${ajv.errorsText(validError.errors)}`);
    if (INTERNAL.test(response.body)) fail('the error text shows an internal name');
    return;
  }
  const validate = validators.get(request.route);
  if (validate !== undefined && !validate(body)) {
    fail(`2xx body does not match ${request.route}: ${ajv.errorsText(validate.errors)}`);
  }
}
