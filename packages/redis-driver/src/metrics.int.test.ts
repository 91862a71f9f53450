import { CacheUnavailableError } from '@forno/core';
import { CacheMetrics, INSTRUMENTS } from '@forno/metrics';
import { registerPrometheusMetrics } from '@forno/metrics/prometheus';
import { BrokenCircuitError, CircuitBreakerPolicy, RetryPolicy } from '@forno/resilience';
import { InMemoryCacheRepository } from '@forno/testing';
import { describeCacheRepositoryContract } from '@forno/testing/contract';
import { hasHashFieldTtl, type RedisServer, startRedisServer } from '@forno/testing/servers';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let server: RedisServer;
const open: RedisRepository[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((repo) => repo.disconnect()));
});

afterAll(async () => {
  await server?.stop();
});

let prefixes = 0;

async function connected(options: ConstructorParameters<typeof RedisRepository>[0] = {}) {
  const repo = new RedisRepository({
    port: server.port,
    keyPrefix: `metrics-${++prefixes}:`,
    healthCheckInterval: false,
    ...(options as object),
  });
  open.push(repo);
  await repo.connect();
  return repo;
}

type Repository = RedisRepository | InMemoryCacheRepository;

/** 12 operations: 4 keys found, 3 missed, 1 error (INCRBY on JSON), 1 scan. */
async function script(repo: Repository): Promise<void> {
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

const EXPECTED_TRAFFIC = { totalOperations: 12, cacheHits: 4, cacheMisses: 3, hitRatio: 4 / 7 };

describe('RedisRepository with enableMetrics on a real redis-server', () => {
  it('summarises a scripted sequence exactly, with the pool and INFO used_memory', async () => {
    const repo = await connected({ enableMetrics: true, connectionPoolSize: 2 });
    await script(repo);
    const summary = await repo.getPerformanceSummary();
    expect(summary).toEqual({
      ...EXPECTED_TRAFFIC,
      activeConnections: 2,
      memoryUsage: expect.any(Number),
      metricsEnabled: true,
    });
    expect(summary.memoryUsage).toBeGreaterThan(100_000);

    const metrics = repo.metrics!;
    const requests = INSTRUMENTS.requests.name;
    expect(metrics.getCounter(requests, { operation: 'get', result: 'hit' })).toBe(1);
    expect(metrics.getCounter(requests, { operation: 'get', result: 'miss' })).toBe(1);
    expect(metrics.getCounter(requests, { operation: 'mget', result: 'hit' })).toBe(2);
    expect(metrics.getCounter(requests, { operation: 'mget', result: 'miss' })).toBe(1);
    expect(metrics.getCounter(requests, { operation: 'hgetall', result: 'miss' })).toBe(1);
    // `zrevrange` is one raw `zrange` (reversed), reported as `zrange`.
    expect(metrics.getCounter(requests, { operation: 'zrange', result: 'ok' })).toBe(1);
    expect(metrics.getCounter(requests, { operation: 'zrevrange', result: 'ok' })).toBe(0);
    expect(metrics.getCounter(requests, { operation: 'incrby', result: 'error' })).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.errors.name, { operation: 'incrby' })).toBe(1);
    expect(metrics.getGauge(INSTRUMENTS.activeConnections.name)).toBe(2);
    expect(metrics.getHistogram(INSTRUMENTS.operationDuration.name, { operation: 'set' })?.count).toBe(2);
  });

  it('gives the same traffic summary as the in-memory fake for the same sequence', async () => {
    const repo = await connected({ enableMetrics: true });
    const fake = new InMemoryCacheRepository({ enableMetrics: true });
    await script(repo);
    await script(fake);
    const { memoryUsage: _r, ...onRedis } = await repo.getPerformanceSummary();
    const { memoryUsage: fakeMemory, ...onFake } = await fake.getPerformanceSummary();
    expect(onFake).toEqual(onRedis);
    expect(fakeMemory).toBeGreaterThan(0);
    const errorCodes = (r: Repository) =>
      r.metrics!.family(INSTRUMENTS.errors.name)?.samples.map((s) => s.labels.code);
    expect(errorCodes(fake)).toEqual(errorCodes(repo));
  });

  it('counts every one of 200 concurrent operations', async () => {
    const repo = await connected({ enableMetrics: true, metricsPrefix: 'busy' });
    await repo.set('hot', 1);
    await Promise.all(Array.from({ length: 200 }, (_, i) => repo.get(i % 2 === 0 ? 'hot' : `cold:${i}`)));
    expect(repo.metrics!.summary()).toEqual({
      totalOperations: 201,
      cacheHits: 100,
      cacheMisses: 100,
      hitRatio: 0.5,
    });
  });

  it('exports to Prometheus with the metricsPrefix, also when a repository is created twice', async () => {
    const registry = new Registry();
    const first = await connected({ enableMetrics: true, metricsPrefix: 'mario_pizzeria_redis' });
    registerPrometheusMetrics(first.metrics!, { registry });
    const second = await connected({ enableMetrics: true, metricsPrefix: 'mario_pizzeria_redis' });
    expect(() => registerPrometheusMetrics(second.metrics!, { registry })).not.toThrow();
    await second.set('menu:1', 'x');
    await second.get('menu:1');
    const text = await registry.metrics();
    expect(text).toContain('mario_pizzeria_redis_cache_requests_total{operation="get",result="hit"} 1\n');
    expect(text).toContain('mario_pizzeria_redis_active_connections 1\n');
    expect(text).toMatch(/mario_pizzeria_redis_operation_duration_seconds_count\{operation="set"\} 1\n/);
    expect(text).not.toContain('menu:1');
  });

  it('records failures by error code and the connection dropping during an outage', async () => {
    const doomed = await startRedisServer();
    try {
      const repo = new RedisRepository({
        port: doomed.port,
        enableMetrics: true,
        healthCheckInterval: false,
        commandTimeout: '300ms',
      });
      open.push(repo);
      await repo.connect();
      await doomed.stop();
      const error = await repo.get('menu:1').catch((e: unknown) => e);
      expect(CacheUnavailableError.is(error)).toBe(true);
      const metrics = repo.metrics!;
      expect(
        metrics.getCounter(INSTRUMENTS.errors.name, { operation: 'get', code: 'E_CACHE_UNAVAILABLE' }),
      ).toBe(1);
      expect(metrics.getGauge(INSTRUMENTS.activeConnections.name)).toBe(0);
      expect(metrics.getCounter(INSTRUMENTS.connectionEvents.name, { status: 'ready' })).toBe(1);
      expect(metrics.summary()).toMatchObject({ totalOperations: 1, cacheHits: 0, cacheMisses: 0 });
    } finally {
      await doomed.stop();
    }
  });

  it('records the events of a real retry policy and circuit breaker, which do not depend on metrics', async () => {
    const doomed = await startRedisServer();
    try {
      const repo = new RedisRepository({
        port: doomed.port,
        enableMetrics: true,
        healthCheckInterval: false,
        retryPolicy: { retries: 0 },
      });
      open.push(repo);
      await repo.connect();
      const metrics = repo.metrics!;
      const retry = new RetryPolicy({ retries: 1, retryDelay: '1ms', jitter: 'none' });
      const breaker = new CircuitBreakerPolicy({ failureThreshold: 2, recoveryTimeout: '1m' });
      metrics.attach(retry);
      metrics.attach(breaker);
      await doomed.stop();
      const read = () => retry.execute(() => breaker.execute(() => repo.get('menu:1')));
      // Attempt 1 fails, the retry fails too and opens the circuit; then the circuit rejects at once.
      expect(CacheUnavailableError.is(await read().catch((e: unknown) => e))).toBe(true);
      expect(await read().catch((e: unknown) => e)).toBeInstanceOf(BrokenCircuitError);
      expect(metrics.getCounter(INSTRUMENTS.retries.name)).toBe(1);
      expect(metrics.getGauge(INSTRUMENTS.circuitState.name)).toBe(2);
      expect(metrics.getCounter(INSTRUMENTS.circuitTransitions.name, { state: 'open' })).toBe(1);
      expect(metrics.getCounter(INSTRUMENTS.errors.name, { code: 'E_CACHE_UNAVAILABLE' })).toBe(2);
    } finally {
      await doomed.stop();
    }
  });

  it('without enableMetrics: no wrappers, no metrics, a zero traffic summary with the real measurements', async () => {
    const repo = await connected();
    await script(repo);
    expect(repo.metrics).toBeUndefined();
    expect(Object.hasOwn(repo, 'get')).toBe(false);
    const summary = await repo.getPerformanceSummary();
    expect(summary).toMatchObject({
      totalOperations: 0,
      cacheHits: 0,
      cacheMisses: 0,
      hitRatio: 0,
      activeConnections: 1,
      metricsEnabled: false,
    });
    expect(summary.memoryUsage).toBeGreaterThan(0);
  });

  it('records metrics for an ioredis client you created yourself', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis({ port: server.port, lazyConnect: true });
    await client.connect();
    try {
      const repo = new RedisRepository(client, {
        keyPrefix: 'own:',
        enableMetrics: true,
        metricsPrefix: 'own',
      });
      await repo.get('missing');
      expect(await repo.getPerformanceSummary()).toMatchObject({
        totalOperations: 1,
        cacheMisses: 1,
        activeConnections: 1,
        metricsEnabled: true,
      });
      expect(repo.metrics?.prefix).toBe('own');
    } finally {
      client.disconnect();
    }
  });

  it('refuses a metricsPrefix that is not a valid metric name', () => {
    expect(
      () => new RedisRepository({ port: server.port, enableMetrics: true, metricsPrefix: 'a-b' }),
    ).toThrow(/metricsPrefix/);
  });
});

/** A `CachePerformanceMonitor` that tracks operations by hand, as the README shows it. */
class CachePerformanceMonitor {
  readonly #redis: RedisRepository;
  readonly #metrics = new CacheMetrics({ prefix: 'mario_pizzeria' });

  constructor(redis: RedisRepository) {
    this.#redis = redis;
  }

  trackCacheOperation(operation: string, hit?: boolean): void {
    this.#metrics.incrementCounter(`cache_operations_${operation}`);
    this.#metrics.incrementCounter('cache_operations_total');
    if (hit !== undefined) {
      this.#metrics.incrementCounter(hit ? 'cache_hit' : 'cache_miss');
      this.#metrics.setGauge('cache_hit_ratio', this.calculateHitRatio());
    }
  }

  async getPerformanceSummary() {
    return {
      totalOperations: this.#metrics.getCounter('cache_operations_total'),
      cacheHits: this.#metrics.getCounter('cache_hit'),
      cacheMisses: this.#metrics.getCounter('cache_miss'),
      hitRatio: this.#metrics.getGauge('cache_hit_ratio'),
      activeConnections: (await this.#redis.getPerformanceSummary()).activeConnections,
      memoryUsage: await this.#redis.memoryUsage(),
    };
  }

  calculateHitRatio(): number {
    const hits = this.#metrics.getCounter('cache_hit');
    const total = hits + this.#metrics.getCounter('cache_miss');
    return total > 0 ? hits / total : 0;
  }
}

describe('a hand-written CachePerformanceMonitor', () => {
  it('tracks operations by hand against a real server', async () => {
    const redis = await connected();
    const monitor = new CachePerformanceMonitor(redis);
    await redis.set('menu:item:margherita', { name: 'Margherita' }, { ttl: '24h' });
    monitor.trackCacheOperation('set');
    for (const id of ['margherita', 'diavola', 'margherita']) {
      const item = await redis.get(`menu:item:${id}`);
      monitor.trackCacheOperation('get', item !== null);
    }
    const summary = await monitor.getPerformanceSummary();
    expect(summary).toEqual({
      totalOperations: 4,
      cacheHits: 2,
      cacheMisses: 1,
      hitRatio: 2 / 3,
      activeConnections: 1,
      memoryUsage: expect.any(Number),
    });
  });
});

// The wrappers must be transparent: the whole contract passes on Redis with metrics on.
describeCacheRepositoryContract('RedisRepository with enableMetrics', {
  hashFieldTtl: hasHashFieldTtl(),
  createRepository: async ({ keyPrefix, serializer }) => {
    const repo = new RedisRepository({
      port: server.port,
      keyPrefix,
      serializer,
      healthCheckInterval: false,
      enableMetrics: true,
    });
    await repo.connect();
    return repo;
  },
});
