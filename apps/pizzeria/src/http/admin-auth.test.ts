import { InvalidConfigError } from '@forno/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentedRoutes } from '../../test/documented-routes.js';
import { createHttpFixture, type HttpFixture, TEST_ADMIN_TOKEN } from '../../test/http-fixture.js';
import { adminTokenFromEnv } from './admin-auth.js';

/**
 * Issue #13 item 11: every route that changes prices, stock, caches, the kitchen, segments or
 * campaigns, and `/stats`/`/metrics`, needs `Authorization: Bearer <token>`; the customer-facing
 * routes stay open.
 */

/** Routes a customer (or a load balancer) may call without credentials. Everything else is admin. */
const OPEN_ROUTES = new Set([
  'GET /',
  'GET /health',
  'GET /menu',
  'GET /menu/:itemId',
  'GET /menu/:itemId/resilient',
  'POST /orders',
  'GET /orders/:orderId',
  'POST /sessions',
  'GET /sessions/:customerId',
  'PUT /sessions/:customerId/cart',
  'GET /sessions/:customerId/cart',
  'DELETE /sessions/:customerId',
  'GET /analytics/top',
]);

let http: HttpFixture;

beforeEach(async () => {
  http = await createHttpFixture();
});

afterEach(async () => {
  await http.close();
});

/** Every route of the API, as `METHOD /path` (from the OpenAPI document). */
async function allRoutes(): Promise<string[]> {
  return (await documentedRoutes(http.app)).map(({ route }) => route);
}

function requestFor(route: string): { method: 'GET'; url: string } {
  const [method, path] = route.split(' ') as ['GET', string];
  return { method, url: path.replace(/:[A-Za-z]+/g, 'margherita') };
}

describe('admin routes', () => {
  it('every route that is not customer-facing answers 401 without the token, before reading the body', async () => {
    const admin = (await allRoutes()).filter((route) => !OPEN_ROUTES.has(route));
    expect(admin).toEqual(
      expect.arrayContaining([
        'PATCH /menu/:itemId',
        'DELETE /menu/:itemId/cache',
        'DELETE /menu/cache',
        'GET /inventory',
        'POST /inventory/:ingredientId/adjust',
        'GET /kitchen',
        'POST /kitchen/next',
        'POST /orders/:orderId/process',
        'POST /orders/:orderId/complete',
        'GET /stats',
        'GET /metrics',
        'GET /dashboard/snapshot',
        'PUT /dashboard/chaos',
        'POST /campaigns',
        'POST /analytics/popularity',
      ]),
    );
    for (const route of admin) {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TEST_ADMIN_TOKEN}`, 'Bearer ']) {
        const response = await http.inject({
          ...requestFor(route),
          headers: {
            ...(authorization === undefined ? {} : { authorization }),
            'content-type': 'application/json',
          },
          payload: '{ not even json',
        });
        expect(response.statusCode, `${route} with ${authorization}`).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="pizzeria-admin"');
        expect(response.json()).toEqual({
          error: 'this route needs the admin token: Authorization: Bearer <token>',
          code: 'E_UNAUTHORIZED',
        });
        expect(response.body).not.toContain(TEST_ADMIN_TOKEN);
      }
    }
  });

  it('admin routes work with the token', async () => {
    const patched = await http.admin({ method: 'PATCH', url: '/menu/margherita', payload: { price: 11.5 } });
    expect(patched.statusCode).toBe(200);
    expect((await http.admin('/stats')).statusCode).toBe(200);
    expect((await http.admin('/metrics')).statusCode).toBe(200);
    expect((await http.admin('/kitchen')).statusCode).toBe(200);
    expect((await http.admin({ method: 'DELETE', url: '/menu/cache' })).statusCode).toBe(200);
  });

  it('customer-facing routes stay open', async () => {
    for (const url of [
      '/',
      '/health',
      '/menu',
      '/menu/margherita',
      '/menu/margherita/resilient',
      '/analytics/top',
    ]) {
      expect((await http.inject(url)).statusCode, url).toBe(200);
    }
    const session = await http.inject({ method: 'POST', url: '/sessions', payload: { customerId: 'c1' } });
    expect(session.statusCode).toBe(201);
    const order = await http.inject({
      method: 'POST',
      url: '/orders',
      payload: { customerId: 'c1', items: [{ menuItemId: 'funghi', quantity: 1 }] },
    });
    expect(order.statusCode).toBe(201);
    expect((await http.inject(`/orders/${order.json().id}`)).statusCode).toBe(200);
  });

  it('the OpenAPI document marks the admin routes, and only them', async () => {
    for (const { route, admin } of await documentedRoutes(http.app)) {
      expect(admin, route).toBe(!OPEN_ROUTES.has(route));
    }
  });
});

describe('adminTokenFromEnv', () => {
  it('generates a random token when PIZZERIA_ADMIN_TOKEN is unset, so nothing is open by default', () => {
    const a = adminTokenFromEnv({});
    const b = adminTokenFromEnv({ PIZZERIA_ADMIN_TOKEN: '  ' });
    expect(a.generated).toBe(true);
    expect(b.generated).toBe(true);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
  });

  it('takes PIZZERIA_ADMIN_TOKEN, and refuses one too short to be a secret without echoing it', () => {
    expect(adminTokenFromEnv({ PIZZERIA_ADMIN_TOKEN: TEST_ADMIN_TOKEN })).toEqual({
      token: TEST_ADMIN_TOKEN,
      generated: false,
    });
    let error: unknown;
    try {
      adminTokenFromEnv({ PIZZERIA_ADMIN_TOKEN: 'hunter2' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(String((error as Error).message)).toMatch(/at least 16 characters/);
    expect(String((error as Error).message)).not.toContain('hunter2');
  });
});
