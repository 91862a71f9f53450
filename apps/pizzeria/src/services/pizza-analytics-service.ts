import { type CacheRepository, type Clock, type Duration, systemClock } from '@forno/core';

/** Options of {@link PizzaAnalyticsService}. */
export interface PizzaAnalyticsServiceOptions {
  /** How many pizzas the popularity ranking keeps (default 50). */
  readonly keepTop?: number;
  /** Lifetime of an hourly histogram (default `'7d'`). */
  readonly hourlyTtl?: Duration;
  readonly clock?: Clock;
}

/** A pizza and how often it was ordered. */
export interface PizzaPopularity {
  readonly name: string;
  readonly orderCount: number;
}

/**
 * Pizza analytics: popularity in a sorted set trimmed to the top 50, and orders
 * per hour in one hash per (UTC) day that expires after a week.
 */
export class PizzaAnalyticsService {
  static readonly POPULARITY_KEY = 'analytics:pizza_popularity';
  readonly #cache: CacheRepository;
  readonly #keepTop: number;
  readonly #hourlyTtl: Duration;
  readonly #clock: Clock;

  constructor(cache: CacheRepository, options: PizzaAnalyticsServiceOptions = {}) {
    this.#cache = cache;
    this.#keepTop = options.keepTop ?? 50;
    this.#hourlyTtl = options.hourlyTtl ?? '7d';
    this.#clock = options.clock ?? systemClock;
  }

  /** The hash key of a day's histogram (`YYYY-MM-DD`, UTC). */
  static hourlyKeyOf(date: string): string {
    return `analytics:hourly:${date}`;
  }

  /** Counts one order of `pizzaName` (ZINCRBY), then trims the ranking to the top N (ZREMRANGEBYRANK 0 -(N+1)). */
  async trackPopularPizza(pizzaName: string, count = 1): Promise<number> {
    const score = await this.#cache.zincrby(PizzaAnalyticsService.POPULARITY_KEY, count, pizzaName);
    await this.#cache.zremrangebyrank(PizzaAnalyticsService.POPULARITY_KEY, 0, -(this.#keepTop + 1));
    return score;
  }

  /** The most ordered pizzas, most first. */
  async getTopPizzas(limit = 10): Promise<PizzaPopularity[]> {
    const top = await this.#cache.zrevrange<string>(PizzaAnalyticsService.POPULARITY_KEY, 0, limit - 1, {
      withScores: true,
    });
    return top.map(({ member, score }) => ({ name: member, orderCount: score }));
  }

  /** Counts one order in the hour `hour` (default: now) of today's histogram, which lives 7 days. */
  async trackHourlyOrders(hour?: number): Promise<number> {
    const now = new Date(this.#clock.now());
    const key = PizzaAnalyticsService.hourlyKeyOf(now.toISOString().slice(0, 10));
    const count = await this.#cache.hincrby(key, String(hour ?? now.getUTCHours()), 1);
    await this.#cache.expire(key, this.#hourlyTtl);
    return count;
  }

  /** Orders per hour of a day (default today, UTC): hour → count, only hours with orders. */
  async getHourlyDistribution(date?: string): Promise<Record<number, number>> {
    const day = date ?? new Date(this.#clock.now()).toISOString().slice(0, 10);
    const fields = await this.#cache.hgetall<number>(PizzaAnalyticsService.hourlyKeyOf(day));
    return Object.fromEntries(
      Object.entries(fields)
        .map(([hour, count]) => [Number(hour), Number(count)] as const)
        .sort(([a], [b]) => a - b),
    );
  }
}
