import { ChaosCacheRepository, InMemoryCacheRepository } from '@forno/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MenuItem, ResilientMenuService, resilientCache } from '../examples/resilient-menu-service.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const margherita: MenuItem[] = [{ id: 'margherita', name: 'Margherita', price: 9 }];

async function settle<T>(promise: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return promise;
}

describe('README example: ResilientMenuService', () => {
  it('serves from Redis, then from the fallback during an outage, and recovers', async () => {
    const redis = new ChaosCacheRepository(new InMemoryCacheRepository(), { seed: 1 });
    const db = { loadMenu: vi.fn(async () => margherita) };
    const cache = resilientCache(redis);
    const service = new ResilientMenuService(cache, db);

    await expect(settle(service.getMenu('m1'))).resolves.toEqual({ items: margherita, source: 'database' });
    await expect(settle(service.getMenu('m1'))).resolves.toEqual({ items: margherita, source: 'redis' });

    redis.failureRate = 1;
    const before = redis.calls();
    // Five requests, one attempt each (no retry layer here): each fails and the fallback answers;
    // the 5th failure opens the circuit.
    for (let i = 1; i <= 5; i++) {
      await expect(settle(service.getMenu('m1'))).resolves.toEqual({ items: margherita, source: 'fallback' });
      expect(redis.calls() - before).toBe(i);
    }
    expect(cache.breaker?.state).toBe('open');
    // While open, Redis is not touched at all.
    await expect(settle(service.getMenu('m1'))).resolves.toMatchObject({ source: 'fallback' });
    expect(redis.calls() - before).toBe(5);
    expect(db.loadMenu).toHaveBeenCalledTimes(1);

    // A menu never cached comes from the database; its write is rejected (circuit open), not lost silently.
    await expect(settle(service.getMenu('m2'))).resolves.toMatchObject({ source: 'database' });

    redis.failureRate = 0;
    vi.advanceTimersByTime(60_000);
    for (let i = 0; i < 3; i++) {
      await expect(settle(service.getMenu('m1'))).resolves.toMatchObject({ source: 'redis' });
    }
    expect(cache.breaker?.state).toBe('closed');
  });
});
