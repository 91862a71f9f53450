import { CacheUnavailableError } from '@forno/core';
import { ChaosCacheRepository, InMemoryCacheRepository, ManualClock } from '@forno/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StaleReason } from './cache-events.js';
import { FactoryTimeoutError } from './errors.js';
import { HybridCache } from './hybrid-cache.js';
import type { HybridCacheOptions } from './options.js';

const ITEM = { id: 'margherita', price: 12.5 };

/** One process, no bus (timers are faked); TTLs on a ManualClock, timeouts on vitest's timers. */
function setUp(options: Omit<HybridCacheOptions, 'clock' | 'repository'> = {}) {
  const clock = new ManualClock();
  const chaos = new ChaosCacheRepository(new InMemoryCacheRepository({ clock }), { seed: 1 });
  const cache = new HybridCache({ repository: chaos, clock, bus: false, ...options });
  const reasons: StaleReason[] = [];
  cache.on('stale', (event) => reasons.push(event.reason));
  return { clock, chaos, cache, reasons };
}

const never = () => new Promise<never>(() => {});

describe('soft and hard timeouts (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('soft timeout: with a stale value, a slow factory is answered stale at the timeout and refreshes in the background', async () => {
    const { clock, cache, reasons } = setUp({ ttl: '1m', grace: '1h', timeout: '100ms' });
    await cache.set('margherita', ITEM);
    clock.advance(61_000);
    let finish!: (value: typeof ITEM) => void;
    const slow = () => new Promise<typeof ITEM>((resolve) => (finish = resolve));
    const answers = Promise.all([cache.getOrSet('margherita', slow), cache.getOrSet('margherita', slow)]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await answers).toEqual([ITEM, ITEM]);
    expect(reasons).toEqual(['soft-timeout', 'soft-timeout']);
    // Meanwhile every caller gets the stale value at once, without a second factory run.
    expect(await cache.getOrSet('margherita', () => Promise.reject(new Error('not called')))).toEqual(ITEM);
    finish({ ...ITEM, price: 13 });
    await vi.advanceTimersByTimeAsync(0);
    expect(await cache.get('margherita')).toEqual({ ...ITEM, price: 13 });
  });

  it('soft timeout without a stale value: the caller waits for the factory', async () => {
    const { cache } = setUp({ timeout: '100ms' });
    let resolved = false;
    const answer = cache.getOrSet('margherita', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      return ITEM;
    });
    void answer.then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await answer).toEqual(ITEM);
  });

  it('hard timeout: the factory is abandoned (signal aborted) and callers get FactoryTimeoutError, or stale under grace', async () => {
    const { clock, cache, reasons } = setUp({ ttl: '1m', grace: '1h', hardTimeout: '1s' });
    let signal: AbortSignal | undefined;
    const cold = cache.getOrSet('cold', (context) => {
      signal = context.signal;
      return never();
    });
    const rejected = expect(cold).rejects.toBeInstanceOf(FactoryTimeoutError);
    await vi.advanceTimersByTimeAsync(1_000);
    await rejected;
    expect(signal?.aborted).toBe(true);
    expect(FactoryTimeoutError.is(signal?.reason)).toBe(true);
    expect(cache.stats()).toMatchObject({ factoryCalls: 1, factoryErrors: 1 });

    await cache.set('margherita', ITEM);
    clock.advance(61_000);
    const stale = cache.getOrSet('margherita', never);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await stale).toEqual(ITEM);
    expect(reasons).toEqual(['hard-timeout']);
  });
});

describe('fail-safe when L2 is unavailable', () => {
  it('getOrSet answers from L1 without running the factory; a stale L1 value backs a failing factory', async () => {
    const { clock, chaos, cache, reasons } = setUp({ ttl: '1m', grace: '1h', l1: { maxTtl: '10s' } });
    await cache.set('margherita', ITEM);
    clock.advance(20_000); // past l1.maxTtl: L1 would ask L2 first
    chaos.failureRate = 1;
    let calls = 0;
    const factory = async () => {
      calls++;
      throw new Error('database down too');
    };
    expect(await cache.getOrSet('margherita', factory)).toEqual(ITEM);
    expect(calls).toBe(0);
    expect(reasons).toEqual(['l2-unavailable']);
    clock.advance(60_000); // now stale by its TTL: the factory is tried, and fails
    expect(await cache.getOrSet('margherita', factory)).toEqual(ITEM);
    expect(calls).toBe(1);
    expect(reasons).toEqual(['l2-unavailable', 'factory-error']);
    // A working factory answers even though L2 is down (its write-back fails quietly).
    const l2Errors: string[] = [];
    cache.on('l2-error', (event) => l2Errors.push(event.operation));
    clock.advance(11_000);
    expect(await cache.getOrSet('margherita', () => ({ ...ITEM, price: 9 }))).toEqual({ ...ITEM, price: 9 });
    await vi.waitFor(() => expect(l2Errors).toEqual(['get', 'set']));
  });

  it('an entry of a tag this process deleted is never the fallback, even with L2 down', async () => {
    const { clock, chaos, cache } = setUp({ ttl: '1h', grace: '1h', l1: { maxTtl: '10s' } });
    await cache.set('margherita', ITEM, { tags: ['menu'] });
    await cache.set('pepperoni', ITEM);
    clock.advance(11_000); // what this process knows of the tag is no longer trusted...
    await cache.deleteByTag('menu'); // ...but a deletion it saw still counts
    chaos.failureRate = 1;
    const failing = () => Promise.reject(new Error('database down too'));
    await expect(cache.getOrSet('margherita', failing)).rejects.toThrow('database down too');
    expect(await cache.getOrSet('pepperoni', failing)).toEqual(ITEM);
  });

  it('get falls back to L1 within grace; without a copy the outage error surfaces; past grace too', async () => {
    const { clock, chaos, cache } = setUp({ ttl: '1m', grace: '1h' });
    await cache.set('margherita', ITEM);
    chaos.failureRate = 1;
    clock.advance(70_000);
    expect(await cache.get('margherita')).toEqual(ITEM);
    await expect(cache.get('pepperoni')).rejects.toBeInstanceOf(CacheUnavailableError);
    clock.advance(3_600_000);
    await expect(cache.get('margherita')).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.getOrSet('margherita', () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
  });
});
