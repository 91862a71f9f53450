import { CircuitBreakerPolicy } from '@forno/resilience';
import { describe, expect, it, vi } from 'vitest';
import { ResilientMenuService } from '../../src/services/resilient-menu-service.js';
import type { SuiteContext } from '../pizzeria-fixture.js';
import { expectTtlNear, ms } from './expectations.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** ResilientMenuService (breaker + hybrid cache with grace) and CachePerformanceMonitor. */
export function resilienceSuite(ctx: SuiteContext): void {
  describe('ResilientMenuService', () => {
    it('reads the database on a miss, caches for 6 h (kept 1 day more for grace), then answers from the cache', async () => {
      const { services, repository } = ctx.fixture();
      expect(await services.resilientMenu.getMenuWithFallback('margherita')).toMatchObject({
        source: 'database',
        item: { id: 'margherita' },
      });
      expectTtlNear(await repository.ttl(ResilientMenuService.keyOf('margherita')), 30 * ms.hour);
      expect((await services.resilientMenu.getMenuWithFallback('margherita'))?.source).toBe('cache');
      expect(await services.resilientMenu.getMenuWithFallback('hawaii')).toBeNull();
    });

    it('during a Redis outage serves menus from memory; when the database fails too, the stale menu (fallback)', async () => {
      const fixture = ctx.fixture();
      const { resilientMenu } = fixture.services;
      expect(await resilientMenu.warmFallbackCache()).toEqual([]);
      fixture.chaos.failureRate = 1;
      expect((await resilientMenu.getMenuWithFallback('margherita'))?.source).toBe('cache'); // L1: Redis not needed
      expect(await resilientMenu.getMenuWithFallback('marinara')).toMatchObject({
        source: 'database',
        item: { id: 'marinara' },
      });
      expect((await fixture.services.health()).status).toBe('degraded');
      fixture.clock.advance(7 * ms.hour); // past the 6 h TTL, within the grace of a day
      const failing = vi.spyOn(fixture.database, 'getMenuItem').mockRejectedValue(refused());
      try {
        expect(await resilientMenu.getMenuWithFallback('margherita')).toMatchObject({
          source: 'fallback',
          item: { id: 'margherita' },
        });
        expect(failing).toHaveBeenCalledTimes(1);
        await expect(fixture.services.monitor.getPerformanceSummary()).resolves.toMatchObject({
          caches: { resilientMenu: { staleServed: 1 } },
        });
      } finally {
        failing.mockRestore();
      }
    });

    it('opens the circuit after repeated failures, and stops calling Redis', async () => {
      const breaker = new CircuitBreakerPolicy({
        failureThreshold: 2,
        recoveryTimeout: '60s',
        successThreshold: 1,
      });
      const fixture = await ctx.create({ breaker });
      try {
        const { resilientMenu } = fixture.services;
        fixture.chaos.failureRate = 1;
        expect((await resilientMenu.getMenuWithFallback('diavola'))?.source).toBe('database');
        expect(resilientMenu.circuitState).toBe('open');
        const calls = fixture.chaos.calls();
        expect((await resilientMenu.getMenuWithFallback('diavola'))?.source).toBe('cache'); // from memory
        expect(await resilientMenu.getMenuWithFallback('marinara')).toMatchObject({ source: 'database' });
        expect(fixture.chaos.calls()).toBe(calls); // the open circuit answered, Redis was not asked
        expect((await fixture.services.health()).circuitBreaker).toBe('open');
      } finally {
        await fixture.close();
      }
    });
  });

  describe('CachePerformanceMonitor', () => {
    it('summarizes repository calls, the services lookups and lock activity', async () => {
      const { services } = ctx.fixture();
      await services.menuCache.getMenuItem('funghi');
      await services.menuCache.getMenuItem('funghi');
      await services.menuCache.getMenuItem('funghi');
      await services.orders.coordinateInventoryUpdate('chili', -1);
      const summary = await services.monitor.getPerformanceSummary();
      expect(summary).toMatchObject({
        status: 'ready',
        metricsEnabled: true,
        lookups: { hits: 2, misses: 1, byOperation: { 'menu.get': 3 } },
        circuitState: 'closed',
      });
      expect(summary.lookups.hitRatio).toBeCloseTo(2 / 3);
      // The repeats were answered by the hybrid cache's memory (L1), not Redis.
      expect(summary.caches.menu).toMatchObject({ l1Hits: 2, misses: 1, l1HitRatio: 2 / 3, factoryCalls: 1 });
      expect(summary.cacheMisses).toBeGreaterThanOrEqual(1);
      expect(summary.totalOperations).toBeGreaterThan(5);
      expect(summary.activeConnections).toBeGreaterThanOrEqual(1);
      expect(summary.memoryUsage).toBeGreaterThan(0);
      expect(summary.locks).toMatchObject({ acquired: 1, released: 1, timeouts: 0 });
    });
  });
}
