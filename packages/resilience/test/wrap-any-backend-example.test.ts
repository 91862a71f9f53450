import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type MenuItem,
  menuItemFromApi,
  menuItemFromDatabase,
  type SqlClient,
} from '../examples/wrap-any-backend.js';
import { BrokenCircuitError, CircuitBreakerPolicy } from '../src/index.js';

const isOpenCircuit = (error: unknown): boolean => BrokenCircuitError.is(error);
const margherita: MenuItem = { id: 'margherita', name: 'Margherita', price: 9 };

let server: Server | undefined;

afterEach(async () => {
  await stop();
});

async function stop(): Promise<void> {
  const running = server;
  server = undefined;
  if (running?.listening) await new Promise<void>((resolve) => running.close(() => resolve()));
}

/** A menu API on a free loopback port that knows one pizza; counts the requests it gets. */
async function startMenuApi(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((request, response) => {
    requests += 1;
    if (request.url === '/menu/margherita') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(margherita));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests: () => requests };
}

async function settleAll<T>(calls: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = [];
  for (const call of calls) results.push(...(await Promise.allSettled([call()])));
  return results;
}

describe('README example: wrapping any backend', () => {
  it('a database call: ECONNREFUSED opens the circuit after 5 failures, then calls fail fast', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const query = vi.fn(async (): Promise<{ rows: unknown[] }> => ({ rows: [margherita] }));
    const db: SqlClient = { query: query as SqlClient['query'] };
    const breaker = new CircuitBreakerPolicy({
      failureThreshold: 5,
      recoveryTimeout: '30s',
      successThreshold: 3,
    });
    const getItem = menuItemFromDatabase(db, breaker);

    await expect(getItem('margherita')).resolves.toEqual(margherita);
    query.mockRejectedValue(refused);
    const results = await settleAll(Array.from({ length: 20 }, () => () => getItem('margherita')));
    expect(query).toHaveBeenCalledTimes(1 + 5);
    expect(breaker.state).toBe('open');
    expect(results.slice(5).every((r) => r.status === 'rejected' && isOpenCircuit(r.reason))).toBe(true);
  });

  it('an HTTP API: answers, a 404 is not a failure, and "fetch failed" opens the circuit', async () => {
    const api = await startMenuApi();
    const breaker = new CircuitBreakerPolicy({
      failureThreshold: 5,
      recoveryTimeout: '30s',
      successThreshold: 3,
    });
    const getItem = menuItemFromApi(api.url, breaker);

    await expect(getItem('margherita')).resolves.toEqual(margherita);
    for (let i = 0; i < 6; i++) await expect(getItem('hawaii')).resolves.toBeNull();
    expect(breaker.state).toBe('closed');

    await stop(); // the API goes away: every fetch now fails with "TypeError: fetch failed"
    // First call: 3 attempts (1 + 2 retries) fail. Second: the 5th failed attempt opens the
    // circuit, and its retry stops at BrokenCircuitError. Third: rejected without a request.
    await expect(getItem('margherita')).rejects.toThrow('fetch failed');
    await expect(getItem('margherita')).rejects.toSatisfy(isOpenCircuit);
    await expect(getItem('margherita')).rejects.toSatisfy(isOpenCircuit);
    expect(breaker.state).toBe('open');
    expect(String((breaker.lastFailure as Error).message)).toBe('fetch failed');
    expect(api.requests()).toBe(7);
  });
});
