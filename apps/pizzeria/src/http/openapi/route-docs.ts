import {
  COMPLETED_ORDER,
  COOKING_ORDER,
  HEALTH,
  MARGHERITA,
  PENDING_ORDER,
  QUEUED_ORDER,
  SESSION,
  SNAPSHOT,
  STATS,
  TICKET,
} from './examples.js';

/** A response a route documents: when it happens, and an example body. */
export interface ResponseDoc {
  readonly description: string;
  /** Example body (JSON unless `contentType` says otherwise); none for 204. */
  readonly example?: unknown;
  readonly contentType?: string;
}

/** What the OpenAPI document says about one route. */
export interface RouteDoc {
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Example request body. */
  readonly body?: unknown;
  /** Responses by status (the admin token's 401, the rate limit's 429 and schema 400s are added). */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

/** The tags of the document, in the order the page shows them. */
export const TAGS = [
  {
    name: 'menu',
    description: 'MenuCacheService (cache-aside over SQL) and ResilientMenuService (breaker + fallback)',
  },
  { name: 'sessions', description: 'CustomerSessionService: a hash per customer, 4 h sliding TTL' },
  {
    name: 'orders',
    description: 'OrderProcessingService: an order lock, processed once; InventoryService: locks and fencing',
  },
  { name: 'kitchen', description: 'KitchenQueueService: a sorted-set priority queue, atomic ZPOPMAX' },
  {
    name: 'analytics',
    description: 'PizzaAnalyticsService: popularity (sorted set) and orders per hour (hash)',
  },
  { name: 'segments', description: 'CustomerSegmentationService: sets, SINTER, SUNIONSTORE campaigns' },
  { name: 'system', description: 'Health, metrics, the dashboard and its data' },
] as const;

const notFound = (what: string): ResponseDoc => ({
  description: `no such ${what}`,
  example: { error: `${what} "x" not found`, code: 'E_NOT_FOUND' },
});
const outage: ResponseDoc = {
  description: 'the cache is down or slow, a circuit is open or a lock was not acquired in time: retry later',
  example: { error: 'the cache is unavailable; retry later', code: 'E_CACHE_UNAVAILABLE' },
};
const unknownItem: ResponseDoc = {
  description: 'an item is not on the menu',
  example: {
    error: 'unknown menu item "calzone"',
    code: 'E_UNKNOWN_MENU_ITEM',
    field: 'items[0].menuItemId',
  },
};

/** Every route of the API, by `METHOD /path` as Fastify spells it. */
export const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  'GET /': {
    tag: 'system',
    summary: 'The live dashboard (HTML)',
    description:
      'Kitchen, popularity, cache, breaker and locks, updated every second. Open the URL the app printed at start: its `#token=…` fragment gives the page the admin token without sending it to the server.',
    responses: { 200: { description: 'the page', contentType: 'text/html', example: '<!doctype html>…' } },
  },
  'GET /dashboard/snapshot': {
    tag: 'system',
    summary: 'What the dashboard shows, now',
    description:
      'Kitchen queue by priority and orders per station, top pizzas, orders per hour, hit ratios (one row per source: a hybrid cache adds a row per layer), lock counters, breaker and Redis health, and the per-second samples newer than `since` (epoch ms; up to 5 minutes). Reads of the kitchen and rankings do not count in the metrics. A part that cannot be read is `{ "error": … }`.',
    responses: { 200: { description: 'the snapshot', example: SNAPSHOT } },
  },
  'PUT /dashboard/chaos': {
    tag: 'system',
    summary: '"Break Redis": every cache call fails while `broken` (CHAOS=1 only)',
    body: { broken: true },
    responses: {
      200: { description: 'the switch', example: { broken: true } },
      409: {
        description: 'the app runs without CHAOS=1',
        example: {
          error: 'the app is not running on the chaos wrapper: start it with CHAOS=1',
          code: 'E_CHAOS_OFF',
        },
      },
    },
  },
  'GET /health': {
    tag: 'system',
    summary: 'PING the cache; the states of both circuit breakers',
    responses: {
      200: { description: 'the cache answers and the menu database circuit is not open', example: HEALTH },
      503: {
        description: 'degraded',
        example: {
          ...HEALTH,
          status: 'degraded',
          redis: { status: 'reconnecting', latencyMs: null, error: 'connection refused' },
        },
      },
    },
  },
  'GET /stats': {
    tag: 'system',
    summary: 'Performance summary: operations, hit ratio, lookups, locks, circuit and fallbacks',
    responses: { 200: { description: 'the summary', example: STATS } },
  },
  'GET /metrics': {
    tag: 'system',
    summary: 'Every metric in the Prometheus text format',
    responses: {
      200: {
        description: 'Prometheus text',
        contentType: 'text/plain',
        example: 'mario_pizzeria_redis_cache_requests_total{operation="get",result="hit"} 8\n',
      },
    },
  },
  'GET /menu': {
    tag: 'menu',
    summary: 'The whole menu (one MGET; misses loaded from SQL and cached 24 h)',
    responses: { 200: { description: 'every item', example: { items: [MARGHERITA] } }, 503: outage },
  },
  'GET /menu/{itemId}': {
    tag: 'menu',
    summary: 'One menu item, cache-aside',
    responses: {
      200: { description: 'the item', example: MARGHERITA },
      404: notFound('menu item'),
      503: outage,
    },
  },
  'GET /menu/{itemId}/resilient': {
    tag: 'menu',
    summary: 'One menu item through retry → circuit breaker → timeout → fallback',
    description: '`source` says who answered: the cache, the fallback copy (Redis down) or the database.',
    responses: {
      200: {
        description: 'the item and where it came from',
        example: { item: MARGHERITA, source: 'fallback' },
      },
      404: notFound('menu item'),
    },
  },
  'PATCH /menu/{itemId}': {
    tag: 'menu',
    summary: 'Change an item in SQL, then drop its cached copies',
    body: { price: 11.5 },
    responses: {
      200: { description: 'the item as stored', example: { ...MARGHERITA, price: 11.5 } },
      404: notFound('menu item'),
    },
  },
  'DELETE /menu/{itemId}/cache': {
    tag: 'menu',
    summary: "Invalidate one item's cached copy",
    responses: { 200: { description: 'keys deleted', example: { deleted: 1 } } },
  },
  'DELETE /menu/cache': {
    tag: 'menu',
    summary: 'Invalidate every cached menu item (SCAN + UNLINK on every primary)',
    responses: { 200: { description: 'keys deleted', example: { deleted: 6 } } },
  },
  'POST /sessions': {
    tag: 'sessions',
    summary: "Create (or replace) a customer's session: one HSET, 4 h TTL",
    body: { customerId: 'c42', preferences: { crust: 'thin' } },
    responses: {
      201: { description: 'the session', example: { ...SESSION, cartItems: [] } },
      413: {
        description: 'preferences over 4 KiB',
        example: {
          error: 'preferences is larger than 4096 bytes',
          code: 'E_PAYLOAD_TOO_LARGE',
          field: 'preferences',
        },
      },
      422: unknownItem,
    },
  },
  'GET /sessions/{customerId}': {
    tag: 'sessions',
    summary: 'A session and the time it has left',
    responses: {
      200: { description: 'the session', example: { ...SESSION, ttlMs: 14_399_973 } },
      404: notFound('session'),
    },
  },
  'PUT /sessions/{customerId}/cart': {
    tag: 'sessions',
    summary: 'Replace the cart; renews the 4 h TTL',
    body: { cartItems: [{ menuItemId: 'diavola', quantity: 2 }] },
    responses: {
      200: { description: 'the session', example: SESSION },
      404: notFound('session'),
      422: unknownItem,
    },
  },
  'GET /sessions/{customerId}/cart': {
    tag: 'sessions',
    summary: 'The cart alone (HGET)',
    responses: {
      200: { description: 'the cart', example: { cartItems: SESSION.cartItems } },
      404: notFound('session'),
    },
  },
  'DELETE /sessions/{customerId}': {
    tag: 'sessions',
    summary: 'End a session',
    responses: { 204: { description: 'ended' }, 404: notFound('session') },
  },
  'POST /orders': {
    tag: 'orders',
    summary: 'Place an order (pending until processed)',
    body: { customerId: 'c42', items: [{ menuItemId: 'margherita', quantity: 2 }], priority: 2 },
    responses: {
      201: { description: 'the order', example: PENDING_ORDER },
      409: {
        description: 'an order with this `orderId` exists',
        example: { error: 'order "o1" exists already', code: 'E_ORDER_EXISTS' },
      },
      422: unknownItem,
      503: outage,
    },
  },
  'GET /orders/{orderId}': {
    tag: 'orders',
    summary: 'An order',
    responses: { 200: { description: 'the order', example: QUEUED_ORDER }, 404: notFound('order') },
  },
  'POST /orders/{orderId}/process': {
    tag: 'orders',
    summary: 'Reserve stock and queue the order for the kitchen, once (under the order lock)',
    description:
      'A second call answers `already-processed` without touching stock. Not enough stock: `rejected`.',
    responses: {
      200: { description: 'what happened', example: { outcome: 'processed', order: QUEUED_ORDER } },
      404: notFound('order'),
      503: outage,
    },
  },
  'POST /orders/{orderId}/complete': {
    tag: 'orders',
    summary: 'Complete a cooking order, once',
    responses: {
      200: {
        description: '`completed: false` when it was completed already',
        example: { completed: true, order: COMPLETED_ORDER },
      },
      404: notFound('order'),
      409: {
        description: 'the order is not cooking',
        example: { error: 'order is queued: cannot complete it', code: 'E_ORDER_STATE' },
      },
    },
  },
  'GET /inventory': {
    tag: 'orders',
    summary: 'Stock per ingredient (SQL)',
    responses: {
      200: {
        description: 'every ingredient',
        example: { ingredients: [{ id: 'mozzarella', name: 'Mozzarella', unit: 'portion', stock: 796 }] },
      },
    },
  },
  'GET /inventory/{ingredientId}': {
    tag: 'orders',
    summary: 'One ingredient (cached 5 min)',
    responses: {
      200: { description: 'its stock', example: { ingredientId: 'mozzarella', stock: 796 } },
      404: notFound('ingredient'),
    },
  },
  'POST /inventory/{ingredientId}/adjust': {
    tag: 'orders',
    summary: 'Add or take stock under the ingredient lock, fenced',
    body: { change: 500 },
    responses: {
      200: { description: 'the new stock', example: { ingredientId: 'mozzarella', stock: 1296 } },
      404: notFound('ingredient'),
      409: {
        description: 'stock would go below zero',
        example: {
          error: 'not enough mozzarella: 796 in stock, 5000 needed',
          code: 'E_INSUFFICIENT_INVENTORY',
        },
      },
    },
  },
  'GET /kitchen': {
    tag: 'kitchen',
    summary: 'The queue (next first) and the orders being cooked',
    responses: {
      200: {
        description: 'the kitchen',
        example: {
          queueLength: 1,
          queue: [{ orderId: PENDING_ORDER.id, priority: 2, queuedAt: PENDING_ORDER.placedAt }],
          inProgress: [TICKET],
        },
      },
    },
  },
  'POST /kitchen/next': {
    tag: 'kitchen',
    summary: 'A station takes the next order (ZPOPMAX): it is cooking',
    body: { stationId: 'oven-1' },
    responses: {
      200: { description: 'the ticket and the order', example: { ticket: TICKET, order: COOKING_ORDER } },
      204: { description: 'nothing is waiting' },
    },
  },
  'GET /analytics/top': {
    tag: 'analytics',
    summary: 'The most popular pizzas (public)',
    responses: {
      200: {
        description: 'most ordered first',
        example: { pizzas: [{ name: 'margherita', orderCount: 2 }] },
      },
    },
  },
  'GET /analytics/hourly': {
    tag: 'analytics',
    summary: 'Orders per hour of a day (UTC; default today)',
    responses: {
      200: {
        description: 'hour → orders, only hours with orders',
        example: { date: '2026-05-01', hours: { 12: 1 } },
      },
    },
  },
  'POST /analytics/popularity': {
    tag: 'analytics',
    summary: 'Count one order of a pizza (ZINCRBY, top 50 kept)',
    body: { pizza: 'marinara' },
    responses: {
      200: { description: 'its count', example: { pizza: 'marinara', orderCount: 1 } },
      422: unknownItem,
    },
  },
  'POST /segments/{segment}/customers': {
    tag: 'segments',
    summary: 'Add a customer to a segment (SADD)',
    body: { customerId: 'c42' },
    responses: { 200: { description: '`added: false` when already in it', example: { added: true } } },
  },
  'GET /segments/{segment}/customers': {
    tag: 'segments',
    summary: "A segment's customers",
    responses: { 200: { description: 'the customers', example: { customers: ['c42'] } } },
  },
  'DELETE /segments/{segment}/customers/{customerId}': {
    tag: 'segments',
    summary: 'Remove a customer from a segment',
    responses: { 200: { description: '`removed: false` when not in it', example: { removed: true } } },
  },
  'GET /segments/overlap': {
    tag: 'segments',
    summary: 'Customers in both segments (SINTER)',
    responses: { 200: { description: 'the customers', example: { customers: ['c42'] } } },
  },
  'POST /campaigns': {
    tag: 'segments',
    summary: 'A campaign targeting the union of segments (SUNIONSTORE, 7 days)',
    body: { campaignId: 'spring', segments: ['vip', 'weekend'] },
    responses: {
      201: {
        description: 'how many customers it targets',
        example: { campaignId: 'spring', segments: ['vip', 'weekend'], targetCount: 1 },
      },
    },
  },
  'GET /campaigns/{campaignId}/customers': {
    tag: 'segments',
    summary: "A campaign's customers",
    responses: { 200: { description: 'the customers', example: { customers: ['c42'] } } },
  },
};
