import { describe, expect, it } from 'vitest';
import { PizzaAnalyticsService } from '../../src/services/pizza-analytics-service.js';
import type { SuiteContext } from '../pizzeria-fixture.js';
import { expectTtlNear, ms } from './expectations.js';

/** PizzaAnalyticsService: ZINCRBY popularity kept to the top 50, hourly hashes for 7 days. */
export function analyticsSuite(ctx: SuiteContext): void {
  describe('PizzaAnalyticsService', () => {
    it('ranks pizzas by orders, most first', async () => {
      const { analytics } = ctx.fixture().services;
      for (const pizza of ['margherita', 'diavola', 'margherita', 'funghi', 'margherita', 'diavola']) {
        await analytics.trackPopularPizza(pizza);
      }
      expect(await analytics.getTopPizzas(2)).toEqual([
        { name: 'margherita', orderCount: 3 },
        { name: 'diavola', orderCount: 2 },
      ]);
    });

    it('keeps only the top 50', async () => {
      const { services, repository } = ctx.fixture();
      for (let i = 0; i < 60; i++) await services.analytics.trackPopularPizza(`pizza-${i}`, i + 1);
      expect(await repository.zcard(PizzaAnalyticsService.POPULARITY_KEY)).toBe(50);
      const top = await services.analytics.getTopPizzas(50);
      expect(top[0]).toEqual({ name: 'pizza-59', orderCount: 60 });
      expect(top.at(-1)).toEqual({ name: 'pizza-10', orderCount: 11 });
    });

    it('counts orders per hour in a hash per day that lives 7 days', async () => {
      const fixture = ctx.fixture();
      const { analytics } = fixture.services;
      await analytics.trackHourlyOrders();
      await analytics.trackHourlyOrders();
      await fixture.advance(2 * ms.hour);
      await analytics.trackHourlyOrders();
      await analytics.trackHourlyOrders(9);
      expect(await analytics.getHourlyDistribution()).toEqual({ 9: 1, 12: 2, 14: 1 });
      expect(await analytics.getHourlyDistribution('2026-04-30')).toEqual({});
      const key = PizzaAnalyticsService.hourlyKeyOf('2026-05-01');
      expectTtlNear(await fixture.repository.ttl(key), 7 * ms.day);
    });
  });
}
