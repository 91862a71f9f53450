import fc from 'fast-check';
import { SEED_INGREDIENTS, SEED_MENU } from '../src/db/seed-data.js';

/**
 * What the HTTP API fuzz test sends: every route of the API with arbitraries for its path
 * parameters, query and body — mostly plausible values (so that a sequence reaches deep states:
 * sessions with carts, processed orders, an empty pantry) mixed with hostile ones (non-finite and
 * coerced numbers, lone surrogates, 101-character and malformed path segments, deep nesting, large
 * strings, prototype keys, broken JSON, wrong content types, missing or wrong credentials).
 */

export const MENU_IDS = SEED_MENU.map((item) => item.id);
export const INGREDIENT_IDS = SEED_INGREDIENTS.map((ingredient) => ingredient.id);
export const CUSTOMERS = ['c1', 'c2', 'c3'];
export const ORDERS = ['o1', 'o2', 'o3'];
export const SEGMENTS = ['vip', 'weekend'];
export const CAMPAIGNS = ['spring'];

/** A request as `fastify.inject` takes it, plus what the test needs to judge the answer. */
export interface FuzzRequest {
  /** The route, as the index lists it: `POST /orders`. */
  readonly route: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Raw body text, or undefined for none. */
  readonly payload: string | undefined;
  /** Whether the request carries the right admin token. */
  readonly authorized: boolean;
}

/** `"@@1e400@@"` in a stringified body becomes the bare token `1e400`: what JSON.stringify cannot write. */
const raw = (token: string): string => `@@${token}@@`;
const unraw = (json: string): string => json.replace(/"@@(.*?)@@"/g, '$1');

const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83d', '\ude00b'];

/** A string a client might send where an id or a word is expected. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    'a'.repeat(65),
    'a'.repeat(101),
    '__proto__',
    'constructor',
    'prototype',
    '*',
    '?',
    '[a-z]',
    '{mario}',
    'menu:item:*',
    '../../etc/passwd',
    'Margherita',
    '0',
    '-1',
    'null',
    ...LONE_SURROGATES,
  ),
);

/** A number field: mostly plausible, often hostile (non-finite, coerced text, other types). */
function numberField(min: number, max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    {
      weight: 4,
      arbitrary: fc.constantFrom<unknown>(
        raw('1e400'),
        raw('-1e400'),
        raw('1e999'),
        'Infinity',
        '-Infinity',
        'NaN',
        '1e400',
        '0x10',
        '1e1',
        '5',
        true,
        false,
        null,
        [],
        {},
      ),
    },
  );
}

/** A path segment: a known id most of the time, else anything (encoded when it can be). */
function segment(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: hostileString.map(encodeSegment) },
    { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%00', '%2F', '%ZZ', 'a%20b') },
  );
}

/** Percent-encodes a segment; `.` and `..` (which URL parsing resolves away, never reaching a route) become `_`. */
function encodeSegment(text: string): string {
  if (text === '.' || text === '..') return '_';
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as the UTF-8 bytes a client would send
  }
}

/** An id in a body: a known one mostly, else hostile. */
function idField(known: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(1, null, true, [], {}) },
  );
}

const orderLines = fc.array(
  fc.record({ menuItemId: idField([...MENU_IDS, 'hawaii']), quantity: numberField(1, 20) }),
  {
    maxLength: 6,
  },
);

/** Free-form JSON for `preferences`: small and plausible, or hostile. */
const preferences: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      { x: raw('1e999') },
      { notes: 'x'.repeat(5_000) },
      { name: '\ud800' },
      { '\udfff': 1 },
      { a: { b: { c: { d: { e: 1 } } } } },
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
    ),
  },
);

/** Bodies per route; `undefined` for routes without one. Extra unknown fields sometimes. */
const BODIES: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  'PATCH /menu/:itemId': fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 90 }), numberField(0, 1)),
      description: fc.string({ maxLength: 210 }),
      price: numberField(1, 30),
      available: fc.oneof(fc.boolean(), numberField(0, 1)),
    },
    { requiredKeys: [] },
  ),
  'POST /sessions': fc.record(
    { customerId: idField(CUSTOMERS), cartItems: orderLines, preferences },
    { requiredKeys: ['customerId'] },
  ),
  'PUT /sessions/:customerId/cart': fc.record({ cartItems: orderLines }, { requiredKeys: [] }),
  'POST /orders': fc.record(
    {
      customerId: idField(CUSTOMERS),
      items: orderLines,
      priority: numberField(0, 100),
      orderId: idField(ORDERS),
    },
    { requiredKeys: ['customerId', 'items'] },
  ),
  'POST /inventory/:ingredientId/adjust': fc.record({ change: numberField(-150, 150) }, { requiredKeys: [] }),
  'POST /kitchen/next': fc.record({ stationId: idField(['oven-1', 'oven-2']) }, { requiredKeys: [] }),
  'POST /analytics/popularity': fc.record({ pizza: idField([...MENU_IDS, 'hawaii']) }, { requiredKeys: [] }),
  'POST /segments/:segment/customers': fc.record({ customerId: idField(CUSTOMERS) }, { requiredKeys: [] }),
  'PUT /dashboard/chaos': fc.record(
    { broken: fc.oneof(fc.boolean(), numberField(0, 1)) },
    { requiredKeys: [] },
  ),
  'POST /campaigns': fc.record(
    {
      campaignId: idField(CAMPAIGNS),
      segments: fc.oneof(fc.array(idField(SEGMENTS), { maxLength: 4 }), numberField(0, 1)),
    },
    { requiredKeys: [] },
  ),
};

/** Path parameter name → the ids it takes. */
const PARAMS: Readonly<Record<string, readonly string[]>> = {
  itemId: [...MENU_IDS, 'hawaii'],
  customerId: [...CUSTOMERS, 'nobody'],
  orderId: ORDERS,
  ingredientId: [...INGREDIENT_IDS, 'saffron'],
  segment: SEGMENTS,
  campaignId: CAMPAIGNS,
};

/** Query strings per route. */
const QUERIES: Readonly<Record<string, fc.Arbitrary<string>>> = {
  'GET /analytics/top': fc
    .option(
      fc.oneof(
        fc.integer({ min: -5, max: 60 }).map(String),
        fc.constantFrom('1e400', 'Infinity', '0x10', '1e1', 'ten', ''),
      ),
    )
    .map((limit) => (limit === null ? '' : `?limit=${encodeURIComponent(limit)}`)),
  'GET /analytics/hourly': fc
    .option(
      fc.oneof(
        fc.constantFrom('2026-05-01', '2026-13-45', '2026-02-30', '2026-02-28', '0000-01-01', 'today'),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      ),
    )
    .map((date) => (date === null ? '' : `?date=${encodeURIComponent(date)}`)),
  'GET /dashboard/snapshot': fc
    .option(fc.oneof(fc.integer({ min: -5, max: 2 ** 53 }).map(String), fc.constantFrom('1e400', 'now', '')))
    .map((since) => (since === null ? '' : `?since=${encodeURIComponent(since)}`)),
  'GET /segments/overlap': fc
    .tuple(segment(SEGMENTS), fc.option(segment(SEGMENTS)))
    .map(([a, b]) => `?a=${a}${b === null ? '' : `&b=${b}`}`),
};

/** Whole-body hostility, independent of the route. */
const hostileBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    'null',
    '[]',
    '"text"',
    '1e400',
    'NaN',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
    `{"customerId":"c1","preferences":${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}}`,
    `{"customerId":"c1","preferences":{"notes":"${'x'.repeat(20_000)}"}}`,
  ),
  fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
);

/** A request to `route` (`METHOD /path/:param`), with `token` when authorized. */
export function requestTo(route: string, token: string): fc.Arbitrary<FuzzRequest> {
  const [method, path] = route.split(' ') as [FuzzRequest['method'], string];
  const names = [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
  const params = fc.tuple(...names.map((name) => segment(PARAMS[name] ?? ['x'])));
  const body = BODIES[route];
  const payload: fc.Arbitrary<string | undefined> =
    body === undefined
      ? fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileBody })
      : fc.oneof(
          { weight: 8, arbitrary: body.map((value) => unraw(JSON.stringify(value))) },
          { weight: 1, arbitrary: hostileBody },
        );
  const credentials = fc.oneof(
    { weight: 8, arbitrary: fc.constant<[string | undefined, boolean]>([`Bearer ${token}`, true]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<[string | undefined, boolean]>(
        [undefined, false],
        ['Bearer nope', false],
        [token, false],
      ),
    },
  );
  const contentType = fc.oneof(
    { weight: 9, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ),
    },
  );
  return fc
    .record({ params, query: QUERIES[route] ?? fc.constant(''), payload, credentials, contentType })
    .map(
      ({
        params: values,
        query,
        payload: text,
        credentials: [authorization, authorized],
        contentType: type,
      }) => {
        let i = 0;
        const url = path.replace(/:[A-Za-z]+/g, () => values[i++]!) + query;
        const headers: Record<string, string> = {};
        if (authorization !== undefined) headers.authorization = authorization;
        if (text !== undefined) headers['content-type'] = type;
        return { route, method, url, headers, payload: text, authorized };
      },
    );
}
