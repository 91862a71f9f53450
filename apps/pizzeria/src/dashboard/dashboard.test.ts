import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from '../../test/http-fixture.js';
import { percentiles } from './dashboard-sampler.js';
import type { DashboardSnapshot } from './dashboard-snapshot.js';

let http: HttpFixture | undefined;

afterEach(async () => {
  await http?.close();
  http = undefined;
});

async function snapshot(fixture: HttpFixture, since = 0): Promise<DashboardSnapshot> {
  const response = await fixture.admin(`/dashboard/snapshot?since=${since}`);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['cache-control']).toBe('no-store');
  return response.json();
}

async function placeAndProcess(fixture: HttpFixture, pizza: string, quantity: number, priority: number) {
  const placed = await fixture.inject({
    method: 'POST',
    url: '/orders',
    payload: { customerId: 'c1', items: [{ menuItemId: pizza, quantity }], priority },
  });
  expect(placed.statusCode).toBe(201);
  const id = placed.json().id as string;
  expect((await fixture.admin({ method: 'POST', url: `/orders/${id}/process` })).statusCode).toBe(200);
  return id;
}

describe('GET /dashboard/snapshot', () => {
  it('shows the kitchen by priority and per station, the rankings and the hourly histogram', async () => {
    http = await createHttpFixture();
    const low = await placeAndProcess(http, 'margherita', 1, 1);
    const high = await placeAndProcess(http, 'diavola', 3, 9);
    const cooked = await placeAndProcess(http, 'funghi', 1, 5);
    // oven-1 takes the highest priority: the diavola.
    expect(
      (await http.admin({ method: 'POST', url: '/kitchen/next', payload: { stationId: 'oven-1' } })).json()
        .order.id,
    ).toBe(high);

    const shown = await snapshot(http);
    expect(shown.version).toBe(1);
    expect(shown.kitchen).toMatchObject({
      queueLength: 2,
      queue: [
        { orderId: cooked, priority: 5 },
        { orderId: low, priority: 1 },
      ],
      byPriority: [
        { priority: 5, count: 1 },
        { priority: 1, count: 1 },
      ],
      stations: [{ station: 'oven-1', tickets: [{ orderId: high, kitchenStation: 'oven-1' }] }],
    });
    expect(shown.popularity).toEqual({
      top: [
        { name: 'diavola', orderCount: 3 },
        { name: 'margherita', orderCount: 1 }, // ties: ZREVRANGE orders them by member, descending
        { name: 'funghi', orderCount: 1 },
      ],
    });
    // The fixture's clock stands at 2026-05-01 12:00 UTC.
    expect(shown.hourly).toMatchObject({ date: '2026-05-01' });
    const hours = (shown.hourly as { readonly hours: readonly { hour: number; orders: number }[] }).hours;
    expect(hours).toHaveLength(24);
    expect(hours[12]).toEqual({ hour: 12, orders: 3 });
    expect(shown.locks.acquired).toBeGreaterThan(0);
    expect(shown.cache.hitRatios.map((row) => row.name)).toEqual(['menu lookups', 'repository reads']);
    expect(shown.chaos).toEqual({ available: false, broken: false });
    expect(shown.resilience).toMatchObject({
      circuit: 'closed',
      databaseCircuit: 'closed',
      fallbackReads: 0,
    });
    expect(shown.redis.status).toBe('ready');
  });

  it("does not count its own reads: the app's figures stay as they were", async () => {
    http = await createHttpFixture();
    await placeAndProcess(http, 'margherita', 1, 1);
    const before = await snapshot(http);
    for (let i = 0; i < 5; i++) await snapshot(http);
    const after = await snapshot(http);
    expect(after.cache.totalOperations).toBe(before.cache.totalOperations);
    expect(after.cache.hitRatios).toEqual(before.cache.hitRatios);
  });

  it('keeps a per-second history and sends only the samples newer than `since`', async () => {
    http = await createHttpFixture();
    await http.app.ready();
    await placeAndProcess(http, 'margherita', 2, 1);
    const first = await snapshot(http);
    // The sampler ticks every second; wait for two samples (on a deadline, not a fixed sleep).
    await expect
      .poll(async () => (await snapshot(http!)).samples.length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    const all = await snapshot(http);
    const sample = all.samples.at(-1)!;
    expect(sample).toMatchObject({ circuit: 'closed', fallbackReads: 0, redis: { status: 'ready' } });
    expect(sample.locks.acquired).toBeGreaterThan(0);
    expect(sample.memoryBytes).toBeGreaterThan(0);
    expect(all.samples.length).toBeGreaterThan(first.samples.length);
    const newer = await snapshot(http, all.samples.at(-2)!.t);
    expect(newer.samples.map((s) => s.t)).toEqual(
      (await snapshot(http)).samples.filter((s) => s.t > all.samples.at(-2)!.t).map((s) => s.t),
    );
    expect(newer.samples[0]!.t).toBe(sample.t);
  });

  it('needs the admin token, and refuses a `since` that is not a time', async () => {
    http = await createHttpFixture();
    expect((await http.inject('/dashboard/snapshot')).statusCode).toBe(401);
    expect((await http.admin('/dashboard/snapshot?since=yesterday')).json()).toMatchObject({
      code: 'E_VALIDATION',
      field: 'since',
    });
  });
});

describe('PUT /dashboard/chaos', () => {
  it('is a 409 E_CHAOS_OFF without CHAOS=1', async () => {
    http = await createHttpFixture();
    const response = await http.admin({ method: 'PUT', url: '/dashboard/chaos', payload: { broken: true } });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: 'the app is not running on the chaos wrapper: start it with CHAOS=1',
      code: 'E_CHAOS_OFF',
    });
  });

  it('with chaos on, breaks and repairs the cache: outages answer 503, the snapshot says what it cannot read', async () => {
    http = await createHttpFixture({}, { chaos: true });
    await placeAndProcess(http, 'margherita', 1, 1);
    const broken = await http.admin({ method: 'PUT', url: '/dashboard/chaos', payload: { broken: true } });
    expect(broken.json()).toEqual({ broken: true });

    const order = await http.inject({
      method: 'POST',
      url: '/orders',
      payload: { customerId: 'c1', items: [{ menuItemId: 'funghi', quantity: 1 }] },
    });
    expect(order.statusCode).toBe(503);
    expect((await http.inject('/health')).statusCode).toBe(503);
    // The resilient menu still answers, from its fallback copy.
    expect((await http.inject('/menu/margherita/resilient')).json()).toMatchObject({
      source: expect.any(String),
    });

    const shown = await snapshot(http);
    expect(shown.chaos).toEqual({ available: true, broken: true });
    expect(shown.kitchen).toEqual({ error: 'the cache cannot be read now (E_CACHE_UNAVAILABLE)' });
    expect(shown.popularity).toEqual({ error: 'the cache cannot be read now (E_CACHE_UNAVAILABLE)' });
    expect(shown.redis.pingMs).toBeNull();

    await http.admin({ method: 'PUT', url: '/dashboard/chaos', payload: { broken: false } });
    const repaired = await snapshot(http);
    expect(repaired.kitchen).toMatchObject({ queueLength: 1 });
    expect((await http.inject('/health')).statusCode).toBe(200);
  });
});

describe('the page and its assets', () => {
  it('serves the dashboard at / with every script from the app, none inline', async () => {
    http = await createHttpFixture();
    const page = await http.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/src="\/assets\/[\w.-]+\.js"/);
    expect(page.body).not.toMatch(/\son\w+="/); // no inline event handlers
    expect(page.body).not.toMatch(/https?:\/\//); // nothing from elsewhere
    for (const [, href] of page.body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
      expect((await http.inject(href!)).statusCode, href).toBe(200);
    }
  });

  it('serves uPlot from its npm package, revalidated by ETag; nothing off the list', async () => {
    http = await createHttpFixture();
    const uplot = await http.inject('/assets/uPlot.esm.js');
    expect(uplot.statusCode).toBe(200);
    expect(uplot.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(uplot.body).toContain('export { uPlot as default }');
    const again = await http.inject({
      url: '/assets/uPlot.esm.js',
      headers: { 'if-none-match': String(uplot.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    for (const url of ['/assets/package.json', '/assets/..%2Fsrc%2Fmain.ts', '/assets/main.ts']) {
      const response = await http.inject(url);
      expect([400, 404], url).toContain(response.statusCode);
      expect(response.json().code).toMatch(/^E_/);
    }
  });
});

describe('percentiles', () => {
  it('nearest rank over the values, null without any', () => {
    expect(percentiles([])).toBeNull();
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(percentiles([0.0004])).toEqual({ p50: 0, p95: 0, p99: 0 });
  });
});
