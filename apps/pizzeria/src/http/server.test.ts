import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from '../../test/http-fixture.js';
import type { PizzeriaFixture } from '../../test/pizzeria-fixture.js';

let http: HttpFixture;
let fixture: PizzeriaFixture;

beforeEach(async () => {
  http = await createHttpFixture();
  fixture = http.fixture;
});

afterEach(async () => {
  await http.close();
});

// Every request here carries the admin token: what the routes do is the subject, not who may call
// them (that is admin-auth.test.ts).
const app = { inject: (options: InjectOptions | string) => http.admin(options) };
const post = (url: string, payload: unknown): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url, payload: payload as object });
const get = (url: string): Promise<LightMyRequestResponse> => app.inject(url);

describe('HTTP API', () => {
  it('GET /health answers 200 with the backend, the cache status and the breaker state', async () => {
    const response = await app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      backend: 'custom repository',
      redis: { status: 'ready' },
      circuitBreaker: 'closed',
      database: { circuitBreaker: 'closed' },
    });
  });

  it('GET /health answers 503 while the cache is down', async () => {
    fixture.chaos.failureRate = 1;
    const response = await app.inject('/health');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'degraded', redis: { latencyMs: null } });
  });

  it('serves the menu, one item, the resilient read, updates and invalidation', async () => {
    expect((await app.inject('/menu')).json().items).toHaveLength(6);
    expect((await app.inject('/menu/margherita')).json()).toMatchObject({ name: 'Margherita' });
    expect((await app.inject('/menu/hawaii')).statusCode).toBe(404);
    expect((await app.inject('/menu/pepperoni/resilient')).json()).toMatchObject({ source: 'database' });
    const patched = await app.inject({ method: 'PATCH', url: '/menu/margherita', payload: { price: 11.5 } });
    expect(patched.json()).toMatchObject({ price: 11.5 });
    expect((await app.inject('/menu/margherita')).json().price).toBe(11.5);
    expect((await app.inject({ method: 'DELETE', url: '/menu/margherita/cache' })).json()).toEqual({
      deleted: 1,
    });
    expect((await app.inject({ method: 'DELETE', url: '/menu/cache' })).json().deleted).toBe(5);
  });

  it('runs a session: create, read, update the cart, end', async () => {
    const created = await post('/sessions', { customerId: 'c1', preferences: { crust: 'thin' } });
    expect(created.statusCode).toBe(201);
    const cart = [{ menuItemId: 'diavola', quantity: 2 }];
    expect(
      (await app.inject({ method: 'PUT', url: '/sessions/c1/cart', payload: { cartItems: cart } })).json(),
    ).toMatchObject({
      cartItems: cart,
    });
    expect((await app.inject('/sessions/c1')).json()).toMatchObject({
      customerId: 'c1',
      ttlMs: 4 * 3_600_000,
    });
    expect((await app.inject('/sessions/c1/cart')).json()).toEqual({ cartItems: cart });
    expect((await app.inject({ method: 'DELETE', url: '/sessions/c1' })).statusCode).toBe(204);
    expect((await app.inject('/sessions/c1')).statusCode).toBe(404);
  });

  it('takes an order through processing, the kitchen and completion', async () => {
    const placed = await post('/orders', {
      customerId: 'c1',
      items: [{ menuItemId: 'funghi', quantity: 1 }],
      priority: 2,
    });
    expect(placed.statusCode).toBe(201);
    const { id } = placed.json();
    expect((await post(`/orders/${id}/process`, undefined)).json()).toMatchObject({ outcome: 'processed' });
    expect((await post(`/orders/${id}/process`, undefined)).json()).toMatchObject({
      outcome: 'already-processed',
    });
    expect((await app.inject('/kitchen')).json()).toMatchObject({
      queueLength: 1,
      queue: [{ orderId: id, priority: 2 }],
    });
    expect((await post('/kitchen/next', { stationId: 'oven-1' })).json()).toMatchObject({
      ticket: { orderId: id, kitchenStation: 'oven-1' },
      order: { status: 'cooking' },
    });
    expect((await post('/kitchen/next', { stationId: 'oven-1' })).statusCode).toBe(204);
    expect((await post(`/orders/${id}/complete`, undefined)).json()).toMatchObject({ completed: true });
    expect((await app.inject(`/orders/${id}`)).json().status).toBe('completed');
    expect((await app.inject('/analytics/top?limit=3')).json()).toEqual({
      pizzas: [{ name: 'funghi', orderCount: 1 }],
    });
    expect((await app.inject('/analytics/hourly?date=2026-05-01')).json()).toEqual({
      date: '2026-05-01',
      hours: { 12: 1 },
    });
  });

  it('adjusts inventory under the lock and answers 409 below zero', async () => {
    expect((await app.inject('/inventory')).json().ingredients).toHaveLength(11);
    expect((await post('/inventory/chili/adjust', { change: -20 })).json()).toEqual({
      ingredientId: 'chili',
      stock: 100,
    });
    expect((await app.inject('/inventory/chili')).json()).toEqual({ ingredientId: 'chili', stock: 100 });
    const refused = await post('/inventory/chili/adjust', { change: -101 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'E_INSUFFICIENT_INVENTORY' });
    expect((await app.inject('/inventory/saffron')).statusCode).toBe(404);
  });

  it('manages segments and campaigns', async () => {
    await post('/segments/vip/customers', { customerId: 'c1' });
    await post('/segments/vip/customers', { customerId: 'c2' });
    await post('/segments/weekend/customers', { customerId: 'c2' });
    expect((await app.inject('/segments/vip/customers')).json()).toEqual({ customers: ['c1', 'c2'] });
    expect((await app.inject('/segments/overlap?a=vip&b=weekend')).json()).toEqual({ customers: ['c2'] });
    const campaign = await post('/campaigns', { campaignId: 'spring', segments: ['vip', 'weekend'] });
    expect(campaign.statusCode).toBe(201);
    expect(campaign.json()).toMatchObject({ targetCount: 2 });
    expect((await app.inject('/campaigns/spring/customers')).json()).toEqual({ customers: ['c1', 'c2'] });
    expect((await app.inject({ method: 'DELETE', url: '/segments/vip/customers/c1' })).json()).toEqual({
      removed: true,
    });
    expect((await post('/analytics/popularity', { pizza: 'marinara' })).json()).toEqual({
      pizza: 'marinara',
      orderCount: 1,
    });
  });

  it('exposes /stats as JSON and /metrics as Prometheus text', async () => {
    await app.inject('/menu/margherita');
    await app.inject('/menu/margherita');
    const stats = (await app.inject('/stats')).json();
    // The summary counts every repository call; `lookups` the menu reads of the service;
    // `caches` where the hybrid cache answered them: the repeat from memory (L1), not Redis.
    expect(stats).toMatchObject({
      metricsEnabled: true,
      cacheHits: 0,
      activeConnections: 1,
      status: 'ready',
      lookups: { hits: 1, misses: 1, hitRatio: 0.5, byOperation: { 'menu.get': 2 } },
      circuitState: 'closed',
      caches: { menu: { l1Hits: 1, l2Hits: 0, misses: 1, l1HitRatio: 0.5, bus: { state: 'healthy' } } },
    });
    expect(stats.cacheMisses).toBeGreaterThanOrEqual(1); // L2 was asked once, then again under the stampede lock
    expect(stats.totalOperations).toBeGreaterThanOrEqual(3); // get, set, lock...
    expect(stats.memoryUsage).toBeGreaterThan(0);
    const metrics = await app.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('# TYPE mario_pizzeria_redis_cache_requests_total counter');
    expect(metrics.body).toContain(
      'mario_pizzeria_redis_hybrid_cache_requests_total{cache="menu",result="l1_hit"} 1',
    );
    expect(metrics.body).toContain(
      'mario_pizzeria_redis_service_lookups_total{operation="menu.get",result="miss"} 1',
    );
    expect(metrics.body).toMatch(
      /mario_pizzeria_redis_operation_duration_seconds_count\{operation="set"\} 1/,
    );
    expect(metrics.body).not.toContain('margherita'); // no per-key label, ever
  });

  describe('bad input → 400 naming the field', () => {
    const cases: [string, () => Promise<LightMyRequestResponse>, string, RegExp][] = [
      ['a missing field', () => post('/orders', { customerId: 'c1' }), 'items', /items is required/],
      [
        'a wrong type deep in an array',
        () => post('/orders', { customerId: 'c1', items: [{ menuItemId: 'funghi', quantity: 'two' }] }),
        'items[0].quantity',
        /must be integer/,
      ],
      [
        'a number out of range',
        () => post('/orders', { customerId: 'c1', items: [{ menuItemId: 'funghi', quantity: 0 }] }),
        'items[0].quantity',
        /must be >= 1/,
      ],
      ['an empty order', () => post('/orders', { customerId: 'c1', items: [] }), 'items', /fewer than 1/],
      [
        'an unknown field',
        () =>
          post('/orders', { customerId: 'c1', items: [{ menuItemId: 'funghi', quantity: 1 }], coupon: 'x' }),
        'coupon',
        /coupon is not a known field/,
      ],
      ['a malformed id', () => post('/sessions', { customerId: 'c 1!' }), 'customerId', /must match pattern/],
      ['a bad path parameter', () => get('/menu/Not%20A%20Pizza'), 'itemId', /must match pattern/],
      ['a bad query parameter', () => get('/analytics/top?limit=many'), 'limit', /must be integer/],
      ['a missing query parameter', () => get('/segments/overlap?a=vip'), 'b', /b is required/],
      ['a zero change', () => post('/inventory/chili/adjust', { change: 0 }), 'change', /must NOT be valid/],
      [
        'an empty patch',
        () => app.inject({ method: 'PATCH', url: '/menu/margherita', payload: {} }),
        'body',
        /fewer than 1 properties/,
      ],
      [
        'a bad cart',
        () => app.inject({ method: 'PUT', url: '/sessions/c1/cart', payload: {} }),
        'cartItems',
        /required/,
      ],
      ['a missing station', () => post('/kitchen/next', {}), 'stationId', /stationId is required/],
      [
        'duplicate segments',
        () => post('/campaigns', { campaignId: 'x', segments: ['vip', 'vip'] }),
        'segments',
        /duplicate items/,
      ],
    ];
    for (const [name, send, field, message] of cases) {
      it(name, async () => {
        const response = await send();
        expect(response.statusCode).toBe(400);
        const body = response.json();
        expect(body).toMatchObject({ code: 'E_VALIDATION', field });
        expect(body.error).toMatch(message);
      });
    }

    it('malformed JSON', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/orders',
        headers: { 'content-type': 'application/json' },
        payload: '{"customerId":',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ field: 'body' });
    });
  });

  it('answers 422 for an unknown pizza, 404 for an unknown order and route', async () => {
    const unknown = await post('/orders', {
      customerId: 'c1',
      items: [{ menuItemId: 'hawaii', quantity: 1 }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'E_UNKNOWN_MENU_ITEM' });
    expect((await app.inject('/orders/nope')).statusCode).toBe(404);
    expect((await post('/orders/nope/process', undefined)).json()).toMatchObject({ code: 'E_NOT_FOUND' });
    expect((await app.inject('/pizza-oven')).json()).toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('answers 503 with the cache error code while the cache is down', async () => {
    fixture.chaos.failureRate = 1;
    const response = await post('/sessions', { customerId: 'c1' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    // The resilient menu still answers, from the database.
    expect((await app.inject('/menu/marinara/resilient')).json()).toMatchObject({ source: 'database' });
  });
});
