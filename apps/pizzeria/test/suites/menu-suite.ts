import { describe, expect, it } from 'vitest';
import { MenuCacheService } from '../../src/services/menu-cache-service.js';
import type { SuiteContext } from '../pizzeria-fixture.js';
import { expectTtlNear, ms } from './expectations.js';

/** MenuCacheService: cache-aside over SQL, invalidation of one or all. */
export function menuSuite(ctx: SuiteContext): void {
  describe('MenuCacheService', () => {
    it('loads a miss from the database and caches it for 24 h; the next read is a hit', async () => {
      const { services, repository } = ctx.fixture();
      const first = await services.menuCache.getMenuItem('margherita');
      expect(first).toMatchObject({ id: 'margherita', name: 'Margherita', price: 12.99 });
      expectTtlNear(await repository.ttl(MenuCacheService.keyOf('margherita')), 24 * ms.hour);
      expect(await services.menuCache.getMenuItem('margherita')).toEqual(first);
      const summary = await services.monitor.getPerformanceSummary();
      expect([summary.lookups.hits, summary.lookups.misses]).toEqual([1, 1]);
    });

    it('serves the cached copy until the item is invalidated, then the database again', async () => {
      const { services, database } = ctx.fixture();
      await services.menuCache.getMenuItem('pepperoni');
      await database.updateMenuItem('pepperoni', { price: 17.5 });
      expect((await services.menuCache.getMenuItem('pepperoni'))?.price).toBe(15.99);
      expect(await services.menuCache.invalidateMenuCache('pepperoni')).toBe(1);
      expect((await services.menuCache.getMenuItem('pepperoni'))?.price).toBe(17.5);
    });

    it('returns null for an unknown item and caches nothing', async () => {
      const { services, repository } = ctx.fixture();
      expect(await services.menuCache.getMenuItem('hawaii')).toBeNull();
      expect(await repository.exists(MenuCacheService.keyOf('hawaii'))).toBe(false);
    });

    it('reads the whole menu with one MGET, loading only the misses, in id order', async () => {
      const { services, repository } = ctx.fixture();
      await services.menuCache.getMenuItem('funghi');
      const menu = await services.menuCache.getMenu();
      expect(menu.map((item) => item.id)).toEqual([
        'diavola',
        'funghi',
        'margherita',
        'marinara',
        'pepperoni',
        'quattro_stagioni',
      ]);
      for (const item of menu) expect(await repository.exists(MenuCacheService.keyOf(item.id))).toBe(true);
      const summary = await services.monitor.getPerformanceSummary();
      expect(summary.lookups.hits).toBe(1); // funghi, cached by the first read
    });

    it('invalidates every item with SCAN + UNLINK and leaves other keys alone', async () => {
      const { services, repository } = ctx.fixture();
      await services.menuCache.getMenu();
      await services.sessions.createCustomerSession('c1');
      expect(await services.menuCache.invalidateMenuCache()).toBe(6);
      expect(await repository.exists(MenuCacheService.keyOf('margherita'))).toBe(false);
      expect(await services.sessions.getCustomerSession('c1')).not.toBeNull();
    });
  });
}
