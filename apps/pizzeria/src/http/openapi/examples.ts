import { SEED_MENU } from '../../db/seed-data.js';

/** Example values for the OpenAPI document, taken from a real run of the app. */

export const MARGHERITA = SEED_MENU.find((item) => item.id === 'margherita')!;

export const SESSION = {
  customerId: 'c42',
  loginTime: '2026-05-01T12:00:00.000Z',
  cartItems: [{ menuItemId: 'diavola', quantity: 2 }],
  preferences: { crust: 'thin' },
  lastActivity: '2026-05-01T12:05:00.000Z',
};

const ORDER_ID = '13d684cf-4584-4aaf-b594-c3af7040bab3';

export const PENDING_ORDER = {
  id: ORDER_ID,
  customerId: 'c42',
  lines: [{ menuItemId: 'margherita', quantity: 2 }],
  priority: 2,
  total: 25.98,
  status: 'pending',
  placedAt: '2026-05-01T12:00:00.000Z',
  updatedAt: '2026-05-01T12:00:00.000Z',
};

export const QUEUED_ORDER = {
  ...PENDING_ORDER,
  status: 'queued',
  reserved: { basil: 2, dough: 2, mozzarella: 4, tomato_sauce: 2 },
};

export const TICKET = {
  orderId: ORDER_ID,
  priority: 2,
  queuedAt: '2026-05-01T12:00:00.000Z',
  kitchenStation: 'oven-1',
  startedAt: '2026-05-01T12:01:00.000Z',
  entryId: '1777636860000-0',
};

export const COOKING_ORDER = { ...QUEUED_ORDER, status: 'cooking', station: 'oven-1' };
export const COMPLETED_ORDER = { ...COOKING_ORDER, status: 'completed' };

export const HEALTH = {
  status: 'ok',
  backend: 'redis redis://127.0.0.1:6379',
  redis: { status: 'ready', latencyMs: 0.07 },
  circuitBreaker: 'closed',
  database: { circuitBreaker: 'closed' },
};

export const STATS = {
  totalOperations: 83,
  cacheHits: 12,
  cacheMisses: 12,
  hitRatio: 0.5,
  activeConnections: 1,
  memoryUsage: 1057880,
  metricsEnabled: true,
  backend: 'redis redis://127.0.0.1:6379',
  status: 'ready',
  circuitState: 'closed',
  lookups: { hits: 10, misses: 2, hitRatio: 0.83, byOperation: { 'menu.get': 11, 'menu.resilient.get': 1 } },
  fallbackReads: 0,
  locks: { acquired: 8, waited: 0, timeouts: 0, lost: 0, released: 8 },
};

export const SAMPLE = {
  t: 1777636800000,
  opsPerSecond: 42,
  errorsPerSecond: 0,
  hits: 9,
  misses: 1,
  latencyMs: { p50: 0.21, p95: 0.64, p99: 1.3 },
  circuit: 'closed',
  fallbackReads: 0,
  redis: { status: 'ready', pingMs: 0.07 },
  memoryBytes: 1057880,
  locks: { acquired: 8, waited: 1, timeouts: 0, lost: 0, released: 8 },
};

export const SNAPSHOT = {
  version: 1,
  generatedAt: '2026-05-01T12:01:00.000Z',
  backend: 'redis redis://127.0.0.1:6379',
  chaos: { available: false, broken: false },
  kitchen: {
    queueLength: 1,
    queue: [{ orderId: ORDER_ID, priority: 2, queuedAt: '2026-05-01T12:00:00.000Z' }],
    byPriority: [{ priority: 2, count: 1 }],
    stations: [{ station: 'oven-1', tickets: [{ ...TICKET, orderId: 'a7c1…' }] }],
  },
  popularity: { top: [{ name: 'margherita', orderCount: 2 }] },
  hourly: { date: '2026-05-01', hours: [{ hour: 12, orders: 1 }] },
  cache: {
    hitRatios: [
      { name: 'menu lookups', hits: 10, misses: 2, ratio: 0.83 },
      { name: 'repository reads', hits: 12, misses: 12, ratio: 0.5 },
    ],
    totalOperations: 83,
    memoryBytes: 1057880,
  },
  resilience: { circuit: 'closed', databaseCircuit: 'closed', fallbackReads: 0, transitions: [] },
  redis: { status: 'ready', pingMs: 0.07 },
  locks: { acquired: 8, waited: 1, timeouts: 0, lost: 0, released: 8 },
  samples: [SAMPLE],
};
