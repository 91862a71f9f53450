import { InvalidConfigError } from '@forno/core';
import { INSTRUMENTS } from '@forno/metrics';
import { describe, expect, it } from 'vitest';
import { describeCacheRepositoryContract } from '../contract/index.js';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { InMemoryStore } from './in-memory-store.js';
import { ManualClock } from './manual-clock.js';

/** The scripted sequence the Redis integration test runs too: 12 operations, 4 hits, 3 misses, 1 error. */
async function script(repo: InMemoryCacheRepository): Promise<void> {
  await repo.set('menu:1', { name: 'Margherita', price: 12.99 });
  await repo.set('menu:2', { name: 'Diavola', price: 14.5 });
  await repo.get('menu:1');
  await repo.get('menu:3');
  await repo.mget(['menu:1', 'menu:2', 'menu:3']);
  await repo.hset('session:1', { cart: ['margherita'] });
  await repo.hget('session:1', 'cart');
  await repo.hgetall('session:404');
  await repo.zrevrange('board', 0, 9);
  await repo.incrby('menu:1').catch(() => {});
  await repo.delete('menu:2');
  for await (const _ of repo.scan('menu:*'));
}

describe('InMemoryCacheRepository with enableMetrics', () => {
  it('summarises a scripted sequence exactly', async () => {
    const repo = new InMemoryCacheRepository({ enableMetrics: true, metricsPrefix: 'mario' });
    await script(repo);
    const summary = await repo.getPerformanceSummary();
    expect(summary).toEqual({
      totalOperations: 12,
      cacheHits: 4,
      cacheMisses: 3,
      hitRatio: 4 / 7,
      activeConnections: 1,
      memoryUsage: expect.any(Number),
      metricsEnabled: true,
    });
    expect(summary.memoryUsage).toBeGreaterThan(0);
    const metrics = repo.metrics!;
    expect(metrics.prefix).toBe('mario');
    const requests = INSTRUMENTS.requests.name;
    expect(metrics.getCounter(requests, { operation: 'get', result: 'hit' })).toBe(1);
    expect(metrics.getCounter(requests, { operation: 'mget', result: 'hit' })).toBe(2);
    expect(metrics.getCounter(requests, { operation: 'mget', result: 'miss' })).toBe(1);
    // Metrics time the raw commands: `zrevrange` is one raw `zrange` (reversed), reported as `zrange`.
    expect(metrics.getCounter(requests, { operation: 'zrange', result: 'ok' })).toBe(1);
    expect(metrics.getCounter(requests, { operation: 'zrevrange', result: 'ok' })).toBe(0);
    expect(metrics.getCounter(requests, { operation: 'scan', result: 'ok' })).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.errors.name, { operation: 'incrby' })).toBe(1);
    // No per-instance wrappers: what runs is the prototype's method, as without metrics.
    expect(Object.hasOwn(repo, 'get')).toBe(false);
  });

  it('reports its connection as a gauge that follows connect and disconnect', async () => {
    const repo = new InMemoryCacheRepository({ enableMetrics: true });
    const gauge = () => repo.metrics!.getGauge(INSTRUMENTS.activeConnections.name);
    expect(gauge()).toBe(1);
    await repo.disconnect();
    expect(gauge()).toBe(0);
    expect((await repo.getPerformanceSummary()).activeConnections).toBe(0);
    await repo.connect();
    expect(gauge()).toBe(1);
  });

  it('without metrics: runs uninstrumented and summarises zeros, but still the memory', async () => {
    const repo = new InMemoryCacheRepository();
    await script(repo);
    expect(repo.metrics).toBeUndefined();
    expect(Object.hasOwn(repo, 'get')).toBe(false);
    expect(await repo.getPerformanceSummary()).toEqual({
      totalOperations: 0,
      cacheHits: 0,
      cacheMisses: 0,
      hitRatio: 0,
      activeConnections: 1,
      memoryUsage: expect.any(Number),
      metricsEnabled: false,
    });
  });

  it('validates the metrics options', () => {
    expect(() => new InMemoryCacheRepository({ enableMetrics: 'yes' as never })).toThrow(
      expect.objectContaining({ code: InvalidConfigError.code, argument: 'options.enableMetrics' }),
    );
    expect(() => new InMemoryCacheRepository({ metricsPrefix: 5 as never })).toThrow(
      expect.objectContaining({ code: InvalidConfigError.code, argument: 'options.metricsPrefix' }),
    );
    expect(() => new InMemoryCacheRepository({ enableMetrics: true, metricsPrefix: 'a-b' })).toThrow(
      expect.objectContaining({ code: InvalidConfigError.code, argument: 'options.metricsPrefix' }),
    );
  });
});

describe('InMemoryStore#estimateMemoryUsage', () => {
  it('grows with keys and values and drops back when they are deleted or expire', async () => {
    const clock = new ManualClock();
    const store = new InMemoryStore({ clock });
    const repo = new InMemoryCacheRepository({ store });
    expect(store.estimateMemoryUsage()).toBe(0);
    await repo.set('a', 'x'.repeat(1_000));
    const one = store.estimateMemoryUsage();
    // 64 per key + 1 byte of name + 1,002 bytes of JSON.
    expect(one).toBe(64 + 1 + 1_002);
    await repo.hset('h', { f1: 1, f2: 2 });
    await repo.sadd('s', 'm');
    await repo.zadd('z', { member: 'm', score: 1 });
    await repo.rpush('l', 'a', 'b');
    const all = store.estimateMemoryUsage();
    expect(all).toBe(
      one + (64 + 1 + 2 * (16 + 2 + 1)) + (64 + 1 + 16 + 3) + (64 + 1 + 16 + 3 + 8) + (64 + 1 + 2 * (16 + 3)),
    );
    await repo.delete('a');
    expect(store.estimateMemoryUsage()).toBe(all - one);
    await repo.expire('h', '1s');
    clock.advance(1_000);
    // Like Redis' used_memory, an expired key counts until it is removed (here by the active expiry).
    expect(store.estimateMemoryUsage()).toBe(all - one);
    store.activeExpireCycle();
    expect(store.estimateMemoryUsage()).toBe(all - one - (64 + 1 + 2 * (16 + 2 + 1)));
  });
});

// The wrappers must be transparent: the whole contract passes with metrics on.
const contractClock = new ManualClock();
const contractStore = new InMemoryStore({ clock: contractClock });
describeCacheRepositoryContract('in-memory fake with enableMetrics', {
  createRepository: ({ keyPrefix, serializer }) =>
    new InMemoryCacheRepository({ store: contractStore, keyPrefix, serializer, enableMetrics: true }),
  advanceTime: (ms) => contractClock.advance(ms),
});
