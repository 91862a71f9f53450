import { RedisRepository } from '@forno/redis-driver';
import { ManualClock } from '@forno/testing';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../test/world.js';
import type { StaleReason } from './cache-events.js';
import { HybridCache } from './hybrid-cache.js';

const COMMAND_TIMEOUT_MS = 1_000;
const SOFT_TIMEOUT_MS = 200;
/** Scheduling slack on a shared 2-core machine. */
const MARGIN_MS = 1_500;
const ITEM = { id: 'margherita', price: 12.5 };

describe('HybridCache with L2 frozen (SIGSTOP)', () => {
  let server: RedisServer;
  let repository: RedisRepository;
  let cache: HybridCache;
  const clock = new ManualClock(Date.now());
  const reasons: StaleReason[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    repository = new RedisRepository({
      port: server.port,
      keyPrefix: 'frozen:',
      commandTimeout: COMMAND_TIMEOUT_MS,
      healthCheckInterval: false,
    });
    await repository.connect();
    cache = new HybridCache({
      repository,
      clock,
      namespace: 'menu',
      ttl: '1m',
      grace: '1h',
      timeout: SOFT_TIMEOUT_MS,
      bus: { heartbeat: '200ms' },
    });
    cache.on('stale', (event) => reasons.push(event.reason));
    await until(() => cache.stats().bus.state === 'healthy');
    await cache.getOrSet('margherita', () => ITEM);
    await cache.getOrSet('pepperoni', () => ({ ...ITEM, id: 'pepperoni' }));
    await server.pause();
  });

  afterAll(async () => {
    await server?.resume();
    await cache?.close();
    await repository?.disconnect();
    await server?.stop();
  });

  it('the bus notices within two heartbeats that its messages stop coming back, and stops trusting L1 as fresh', async () => {
    await until(() => cache.stats().bus.state === 'unhealthy');
  });

  it('getOrSet answers from L1 (fresh by its TTL, flagged stale) within commandTimeout, without the factory', async () => {
    const started = performance.now();
    let calls = 0;
    const value = await cache.getOrSet('margherita', () => {
      calls++;
      return { ...ITEM, price: 1 };
    });
    const elapsed = performance.now() - started;
    expect(value).toEqual(ITEM);
    expect(calls).toBe(0);
    expect(reasons).toContain('l2-unavailable');
    expect(elapsed).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
  });

  it('a stale value with a slow factory: answered within commandTimeout + the soft timeout', async () => {
    clock.advance(61_000);
    const started = performance.now();
    const value = await cache.getOrSet('pepperoni', () => new Promise<never>(() => {}));
    const elapsed = performance.now() - started;
    expect(value).toEqual({ ...ITEM, id: 'pepperoni' });
    expect(reasons).toContain('soft-timeout');
    expect(elapsed).toBeLessThan(COMMAND_TIMEOUT_MS + SOFT_TIMEOUT_MS + MARGIN_MS);
  });

  it('a failing factory in grace: the stale value, never an exception', async () => {
    await expect(cache.getOrSet('margherita', () => Promise.reject(new Error('db down')))).resolves.toEqual(
      ITEM,
    );
  });
});
