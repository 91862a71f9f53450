import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture, rawJson } from '../../test/http-fixture.js';

/** Reproductions of issue #13's items 9, 10 and 16: input a client must not be able to get stored or answered wrongly. */

let http: HttpFixture;

beforeEach(async () => {
  http = await createHttpFixture();
});

afterEach(async () => {
  await http.close();
});

const placeFunghi = (orderId: string) => ({
  method: 'POST' as const,
  url: '/orders',
  payload: { customerId: 'c1', orderId, items: [{ menuItemId: 'funghi', quantity: 1 }] },
});

/** An error body in the app's format, without internal key names. */
function expectAppError(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json();
  expect(body).toMatchObject({ error: expect.any(String), code });
  expect(response.body).not.toMatch(/mario_pizzeria:|sessions:|menu:item:|order\.|FST_ERR/);
}

/** Every read of a menu item answers 200 with a finite price (a stored Infinity made them all 503). */
async function expectMenuReadable(itemId: string, price: number): Promise<void> {
  const menu = await http.inject('/menu');
  expect(menu.statusCode, menu.body).toBe(200);
  expect(menu.json().items.find((item: { id: string }) => item.id === itemId)).toMatchObject({ price });
  for (const url of [`/menu/${itemId}`, `/menu/${itemId}/resilient`]) {
    const response = await http.inject(url);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  }
  const order = await http.inject({
    method: 'POST',
    url: '/orders',
    payload: { customerId: 'c9', items: [{ menuItemId: itemId, quantity: 1 }] },
  });
  expect(order.statusCode, order.body).toBe(201);
  expect(order.json().total).toBe(price);
}

describe('item 9: non-finite and coerced numbers', () => {
  it.each([
    ['the string "Infinity"', '{"price":"Infinity"}'],
    ['the string "1e400"', '{"price":"1e400"}'],
    ['the JSON number 1e400', '{"price":1e400}'],
    ['the string "0x10"', '{"price":"0x10"}'],
    ['true', '{"price":true}'],
  ])('PATCH /menu/:id refuses %s as a price, and the menu stays readable', async (_name, payload) => {
    const response = await http.admin(rawJson('PATCH', '/menu/margherita', payload));
    expectAppError(response, 400, 'E_VALIDATION');
    expect(response.json().field).toBe('price');
    await expectMenuReadable('margherita', 12.99);
  });

  it.each([
    ['"Infinity"', '{"change":"Infinity"}'],
    ['1e400', '{"change":1e400}'],
    ['"0x10"', '{"change":"0x10"}'],
    ['true', '{"change":true}'],
    ['"-5"', '{"change":"-5"}'],
  ])(
    'POST /inventory/:id/adjust refuses change %s with a 400, and the stock is unchanged',
    async (_name, payload) => {
      const response = await http.admin(rawJson('POST', '/inventory/chili/adjust', payload));
      expectAppError(response, 400, 'E_VALIDATION');
      expect(response.json().field).toBe('change');
      expect((await http.admin('/inventory/chili')).json()).toEqual({ ingredientId: 'chili', stock: 120 });
    },
  );

  it.each([
    '/analytics/top?limit=1e400',
    '/analytics/top?limit=Infinity',
    '/analytics/top?limit=0x10',
    '/analytics/top?limit=1e1',
  ])('GET %s is a 400 naming limit', async (url) => {
    const response = await http.admin(url);
    expectAppError(response, 400, 'E_VALIDATION');
    expect(response.json().field).toBe('limit');
  });
});

describe('item 10: replacing a session', () => {
  const deepPreferences = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;

  it.each([
    ['preferences nested 20,000 deep', `{"customerId":"c1","preferences":${deepPreferences}}`],
    ['a preference of 1e999', '{"customerId":"c1","preferences":{"x":1e999}}'],
  ])('a replacement with %s is a client error, and the old session survives', async (_name, payload) => {
    const cart = [{ menuItemId: 'diavola', quantity: 2 }];
    const created = await http.inject({
      method: 'POST',
      url: '/sessions',
      payload: { customerId: 'c1', cartItems: cart, preferences: { crust: 'thin' } },
    });
    expect(created.statusCode).toBe(201);

    const replaced = await http.inject(rawJson('POST', '/sessions', payload));
    expect([400, 413, 422], replaced.body).toContain(replaced.statusCode);
    expectAppError(replaced, replaced.statusCode, replaced.json().code);
    // 20,000 levels are over the body limit (413 on `body`); 1e999 is named (400 on `preferences.x`).
    expect(replaced.json().field).toMatch(/^(body|preferences)/);

    const session = await http.inject('/sessions/c1');
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({
      customerId: 'c1',
      cartItems: cart,
      preferences: { crust: 'thin' },
    });
  });
});

describe('item 16: answers a client can trust', () => {
  it('POST /orders with an existing orderId is a 409 conflict, not a 503', async () => {
    expect((await http.inject(placeFunghi('o-1'))).statusCode).toBe(201);
    const again = await http.inject(placeFunghi('o-1'));
    expectAppError(again, 409, 'E_ORDER_EXISTS');
  });

  it('carts refuse items that are not on the menu (422), at creation and on update', async () => {
    const hawaii = [{ menuItemId: 'hawaii', quantity: 1 }];
    const created = await http.inject({
      method: 'POST',
      url: '/sessions',
      payload: { customerId: 'c1', cartItems: hawaii },
    });
    expectAppError(created, 422, 'E_UNKNOWN_MENU_ITEM');
    expect((await http.inject('/sessions/c1')).statusCode).toBe(404);

    await http.inject({ method: 'POST', url: '/sessions', payload: { customerId: 'c1' } });
    const updated = await http.inject({
      method: 'PUT',
      url: '/sessions/c1/cart',
      payload: { cartItems: hawaii },
    });
    expectAppError(updated, 422, 'E_UNKNOWN_MENU_ITEM');
    expect((await http.inject('/sessions/c1/cart')).json()).toEqual({ cartItems: [] });
  });

  it('POST /analytics/popularity refuses a pizza that is not on the menu (422)', async () => {
    const response = await http.admin({
      method: 'POST',
      url: '/analytics/popularity',
      payload: { pizza: 'hawaii' },
    });
    expectAppError(response, 422, 'E_UNKNOWN_MENU_ITEM');
    expect((await http.inject('/analytics/top')).json()).toEqual({ pizzas: [] });
  });

  it.each(['2026-13-45', '2026-02-30', '2026-00-10', '0000-01-01'])(
    'GET /analytics/hourly?date=%s is a 400 naming date',
    async (date) => {
      const response = await http.admin(`/analytics/hourly?date=${date}`);
      expectAppError(response, 400, 'E_VALIDATION');
      expect(response.json().field).toBe('date');
    },
  );

  it('GET /sessions/nobody/cart is a 404, like GET /sessions/nobody', async () => {
    expectAppError(await http.inject('/sessions/nobody'), 404, 'E_NOT_FOUND');
    expectAppError(await http.inject('/sessions/nobody/cart'), 404, 'E_NOT_FOUND');
  });

  it.each(['/menu/', '/orders/', '/sessions/', '/segments/'])(
    'a path parameter over 100 characters (%s…) gets a 414 in the app format',
    async (prefix) => {
      const response = await http.admin(`${prefix}${'a'.repeat(101)}`);
      expectAppError(response, 414, 'E_URI_TOO_LONG');
      expect(response.body).not.toContain('a'.repeat(101));
    },
  );

  it('a malformed URL gets a 400 in the app format', async () => {
    expectAppError(await http.inject('/menu/%E0%A4%A'), 400, 'E_BAD_URL');
  });
});
