import { CacheUnavailableError, type KeyValueCommands } from '@forno/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MenuItem, ResilientMenuService } from '../examples/resilient-menu-service.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A Map-backed stand-in for the two commands the service uses, with an outage switch. */
function flakyRedis() {
  const data = new Map<string, unknown>();
  const state = { down: false, calls: 0 };
  const check = () => {
    state.calls += 1;
    if (state.down) throw new CacheUnavailableError('connect ECONNREFUSED 127.0.0.1:6379');
  };
  const redis: Pick<KeyValueCommands, 'get' | 'set'> = {
    get: async <T>(key: string) => {
      check();
      return (data.get(key) ?? null) as T | null;
    },
    set: async (key, value) => {
      check();
      data.set(key, value);
      return true;
    },
  };
  return { redis, state };
}

const margherita: MenuItem[] = [{ id: 'margherita', name: 'Margherita', price: 9 }];

async function settle<T>(promise: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return promise;
}

describe('README example: ResilientMenuService', () => {
  it('serves from Redis, then from the fallback during an outage, and recovers', async () => {
    const { redis, state } = flakyRedis();
    const db = { loadMenu: vi.fn(async () => margherita) };
    const service = new ResilientMenuService(redis, db);

    await expect(settle(service.getMenu('m1'))).resolves.toEqual({ items: margherita, source: 'database' });
    await expect(settle(service.getMenu('m1'))).resolves.toEqual({ items: margherita, source: 'redis' });

    state.down = true;
    state.calls = 0;
    // First request: 4 attempts (1 + 3 retries) fail, then the fallback answers.
    await expect(settle(service.getMenu('m1'))).resolves.toEqual({ items: margherita, source: 'fallback' });
    expect(state.calls).toBe(4);
    // Second request: the 5th failure opens the circuit; the retry stops at BrokenCircuitError.
    await expect(settle(service.getMenu('m1'))).resolves.toMatchObject({ source: 'fallback' });
    expect(state.calls).toBe(5);
    expect(service.breaker.state).toBe('open');
    // While open, Redis is not touched at all.
    await expect(settle(service.getMenu('m1'))).resolves.toMatchObject({ source: 'fallback' });
    expect(state.calls).toBe(5);
    expect(db.loadMenu).toHaveBeenCalledTimes(1);

    state.down = false;
    vi.advanceTimersByTime(60_000);
    for (let i = 0; i < 3; i++) {
      await expect(settle(service.getMenu('m1'))).resolves.toMatchObject({ source: 'redis' });
    }
    expect(service.breaker.state).toBe('closed');
  });
});
