import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAnswer } from '../../test/api-fuzz-invariants.js';
import {
  CAMPAIGNS,
  CUSTOMERS,
  type FuzzRequest,
  INGREDIENT_IDS,
  MENU_IDS,
  ORDERS,
  requestTo,
  SEGMENTS,
} from '../../test/api-fuzz-model.js';
import { documentedRoutes } from '../../test/documented-routes.js';
import { createHttpFixture, type HttpFixture, TEST_ADMIN_TOKEN } from '../../test/http-fixture.js';
import { InventoryService } from '../services/inventory-service.js';

/**
 * Property test of the whole HTTP API (issue #13): random sequences of plausible and hostile
 * requests to every route, each run on a fresh app. After every request the answer must keep the
 * API's promises (`checkAnswer`: never a 5xx for client input, errors in the app's format, 2xx
 * bodies matching their route's shape); after every write, everything stored must still read back
 * (no stored value breaks a later read) and no stock may be negative — in SQL or in the cache.
 *
 * A fresh seed each run, printed; replay one with `PIZZERIA_FUZZ_SEED=<seed>` (and more runs with
 * `PIZZERIA_FUZZ_RUNS`).
 */

const seed = Number(process.env.PIZZERIA_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const numRuns = Number(process.env.PIZZERIA_FUZZ_RUNS ?? 60);

/** Every route, as the OpenAPI document lists them; the test fails if the server grows one it does not fuzz. */
const ROUTES: readonly (readonly [route: string, admin: boolean])[] = [
  ['GET /', false],
  ['GET /dashboard/snapshot', true],
  ['PUT /dashboard/chaos', true],
  ['GET /health', false],
  ['GET /stats', true],
  ['GET /metrics', true],
  ['GET /menu', false],
  ['GET /menu/:itemId', false],
  ['GET /menu/:itemId/resilient', false],
  ['PATCH /menu/:itemId', true],
  ['DELETE /menu/:itemId/cache', true],
  ['DELETE /menu/cache', true],
  ['POST /sessions', false],
  ['GET /sessions/:customerId', false],
  ['PUT /sessions/:customerId/cart', false],
  ['GET /sessions/:customerId/cart', false],
  ['DELETE /sessions/:customerId', false],
  ['POST /orders', false],
  ['GET /orders/:orderId', false],
  ['POST /orders/:orderId/process', true],
  ['POST /orders/:orderId/complete', true],
  ['GET /inventory', true],
  ['GET /inventory/:ingredientId', true],
  ['POST /inventory/:ingredientId/adjust', true],
  ['GET /kitchen', true],
  ['POST /kitchen/next', true],
  ['GET /analytics/top', false],
  ['GET /analytics/hourly', true],
  ['POST /analytics/popularity', true],
  ['POST /segments/:segment/customers', true],
  ['GET /segments/:segment/customers', true],
  ['DELETE /segments/:segment/customers/:customerId', true],
  ['GET /segments/overlap', true],
  ['POST /campaigns', true],
  ['GET /campaigns/:campaignId/customers', true],
];
const ADMIN = new Map(ROUTES);

// Writes get more weight: they are what can break a later read.
const anyRequest = fc.oneof(
  ...ROUTES.map(([route]) => ({
    weight: route.startsWith('GET') ? 1 : 3,
    arbitrary: requestTo(route, TEST_ADMIN_TOKEN),
  })),
);

let sent = 0;

async function send(http: HttpFixture, request: FuzzRequest) {
  sent += 1;
  return http.app.inject({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
}

/** Read back after every write: the menu (one MGET), stock, sessions, orders, the kitchen. */
const QUICK_READ_BACK: readonly (readonly [route: string, url: string])[] = [
  ['GET /menu', '/menu'],
  ['GET /inventory', '/inventory'],
  ...CUSTOMERS.map((id) => ['GET /sessions/:customerId', `/sessions/${id}`] as const),
  ...ORDERS.map((id) => ['GET /orders/:orderId', `/orders/${id}`] as const),
  ['GET /kitchen', '/kitchen'],
];

/** Read back at the end of every sequence: every URL a client can read. */
const FULL_READ_BACK: readonly (readonly [route: string, url: string])[] = [
  ['GET /menu', '/menu'],
  ...MENU_IDS.flatMap((id) => [
    ['GET /menu/:itemId', `/menu/${id}`] as const,
    ['GET /menu/:itemId/resilient', `/menu/${id}/resilient`] as const,
  ]),
  ['GET /inventory', '/inventory'],
  ...INGREDIENT_IDS.map((id) => ['GET /inventory/:ingredientId', `/inventory/${id}`] as const),
  ...CUSTOMERS.flatMap((id) => [
    ['GET /sessions/:customerId', `/sessions/${id}`] as const,
    ['GET /sessions/:customerId/cart', `/sessions/${id}/cart`] as const,
  ]),
  ...ORDERS.map((id) => ['GET /orders/:orderId', `/orders/${id}`] as const),
  ['GET /kitchen', '/kitchen'],
  ['GET /analytics/top', '/analytics/top?limit=50'],
  ['GET /analytics/hourly', '/analytics/hourly'],
  ...SEGMENTS.map((id) => ['GET /segments/:segment/customers', `/segments/${id}/customers`] as const),
  ...CAMPAIGNS.map((id) => ['GET /campaigns/:campaignId/customers', `/campaigns/${id}/customers`] as const),
  ['GET /stats', '/stats'],
  ['GET /metrics', '/metrics'],
];

/** Every URL answers 200 or 404, in shape; no stock is negative, in SQL or in the cache. */
async function checkReadBack(
  http: HttpFixture,
  after: FuzzRequest,
  urls: readonly (readonly [route: string, url: string])[],
): Promise<void> {
  for (const [route, url] of urls) {
    const request: FuzzRequest = {
      route,
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: undefined,
      authorized: true,
    };
    const response = await send(http, request);
    if (response.statusCode !== 200 && response.statusCode !== 404) {
      throw new Error(
        `after ${after.method} ${after.url} (${after.payload?.slice(0, 200)}):\n  GET ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`,
      );
    }
    checkAnswer(request, response, ADMIN.get(route)!);
  }
  for (const ingredient of await http.fixture.database.listIngredients()) {
    if (!Number.isSafeInteger(ingredient.stock) || ingredient.stock < 0) {
      throw new Error(
        `after ${after.method} ${after.url}: stock of ${ingredient.id} is ${ingredient.stock} in SQL`,
      );
    }
    const cached = await http.fixture.services.repository.get<number>(
      InventoryService.stockKeyOf(ingredient.id),
    );
    if (cached !== null && (!Number.isSafeInteger(cached) || cached < 0)) {
      throw new Error(
        `after ${after.method} ${after.url}: stock of ${ingredient.id} is ${cached} in the cache`,
      );
    }
  }
}

describe('HTTP API fuzz (fast-check)', () => {
  afterAll(() => {
    console.log(
      `pizzeria API fuzz: seed ${seed}, ${numRuns} runs, ${sent} requests (replay: PIZZERIA_FUZZ_SEED=${seed})`,
    );
  });

  it('the fuzz covers every route the server registers', async () => {
    const http = await createHttpFixture();
    try {
      const documented = await documentedRoutes(http.app);
      expect(documented.map(({ route }) => route).sort()).toEqual(ROUTES.map(([route]) => route).sort());
      for (const { route, admin } of documented) expect(admin, route).toBe(ADMIN.get(route));
    } finally {
      await http.close();
    }
  });

  it(`keeps its promises under random and hostile requests (seed ${seed})`, async () => {
    console.log(`pizzeria API fuzz: seed ${seed} (replay: PIZZERIA_FUZZ_SEED=${seed})`);
    await fc.assert(
      fc.asyncProperty(fc.array(anyRequest, { minLength: 1, maxLength: 12 }), async (requests) => {
        const http = await createHttpFixture();
        try {
          for (const request of requests) {
            checkAnswer(request, await send(http, request), ADMIN.get(request.route)!);
            if (request.method !== 'GET') await checkReadBack(http, request, QUICK_READ_BACK);
          }
          await checkReadBack(http, requests.at(-1)!, FULL_READ_BACK);
        } finally {
          await http.close();
        }
      }),
      { seed, numRuns, endOnFailure: false },
    );
  }, 120_000);
});
