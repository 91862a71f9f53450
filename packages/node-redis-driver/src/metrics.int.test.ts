import type { CacheEvent } from '@forno/core';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRedisRepository } from './node-redis-repository.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

describe('NodeRedisRepository metrics (the one wiring of @forno/metrics)', () => {
  it('records operations, hits and misses, and reports connections and used memory', async () => {
    const repo = new NodeRedisRepository({
      port: server.port,
      keyPrefix: 'metrics:',
      enableMetrics: true,
      metricsPrefix: 'pizzeria',
      healthCheckInterval: false,
    });
    const events: CacheEvent[] = [];
    repo.onEvent((event) => events.push(event));
    await repo.connect();
    await repo.set('hit', 1);
    expect(await repo.get('hit')).toBe(1);
    expect(await repo.get('miss')).toBeNull();
    const summary = await repo.getPerformanceSummary();
    expect(summary.metricsEnabled).toBe(true);
    expect(summary.cacheHits).toBe(1);
    expect(summary.cacheMisses).toBe(1);
    expect(summary.totalOperations).toBe(3);
    expect(summary.activeConnections).toBe(1);
    expect(summary.memoryUsage).toBeGreaterThan(100_000);
    expect(repo.metrics).toBeDefined();
    expect(events.some((event) => event.type === 'connection' && event.status === 'ready')).toBe(true);
    await repo.disconnect();
  });

  it('without enableMetrics: no metrics, a summary with zero traffic', async () => {
    const repo = new NodeRedisRepository({ port: server.port, healthCheckInterval: false });
    await repo.connect();
    await repo.get('k');
    expect(repo.metrics).toBeUndefined();
    const summary = await repo.getPerformanceSummary();
    expect(summary.metricsEnabled).toBe(false);
    expect(summary.cacheHits + summary.cacheMisses).toBe(0);
    expect(summary.activeConnections).toBe(1);
    await repo.disconnect();
  });
});
