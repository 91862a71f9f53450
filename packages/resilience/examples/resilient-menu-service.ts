/**
 * The seed's `ResilientMenuService`, written with Forno's policies around any cache repository.
 * In your app import from '@forno/resilience'; this example imports the sources so it is
 * type-checked and tested with the package (test/readme-example.test.ts).
 */
import { CacheTimeoutError, CacheUnavailableError, type KeyValueCommands } from '@forno/core';
import { LRUCache } from 'lru-cache';
import { CircuitBreakerPolicy, RetryPolicy, TimeoutPolicy, wrapPolicies } from '../src/index.js';

export interface MenuItem {
  readonly id: string;
  readonly name: string;
  readonly price: number;
}

export interface MenuDatabase {
  loadMenu(menuId: string): Promise<MenuItem[]>;
}

/** Where a menu came from, so callers and dashboards can tell a degraded answer from a fresh one. */
export type MenuSource = 'redis' | 'fallback' | 'database';

export class ResilientMenuService {
  /** Exposed for health checks and metrics: `breaker.state`, `breaker.onEvent(...)`. */
  readonly breaker = new CircuitBreakerPolicy({
    failureThreshold: 5,
    recoveryTimeout: '60s',
    successThreshold: 3,
  });
  readonly #redis: Pick<KeyValueCommands, 'get' | 'set'>;
  readonly #db: MenuDatabase;
  readonly #fallback = new LRUCache<string, MenuItem[]>({ max: 1_000 });
  // Each attempt gets its own 500ms; the breaker sees every attempt; retries stop once it opens.
  readonly #policy = wrapPolicies(
    new RetryPolicy({ retries: 3, retryDelay: '100ms', backoffFactor: 2, maxRetryDelay: '1s' }),
    this.breaker,
    new TimeoutPolicy('500ms'),
  );

  constructor(redis: Pick<KeyValueCommands, 'get' | 'set'>, db: MenuDatabase) {
    this.#redis = redis;
    this.#db = db;
  }

  async getMenu(menuId: string): Promise<{ items: MenuItem[]; source: MenuSource }> {
    const key = `menu:${menuId}`;
    const cached = await this.#tryCache(() => this.#redis.get<MenuItem[]>(key));
    if (cached) {
      this.#fallback.set(menuId, cached);
      return { items: cached, source: 'redis' };
    }
    if (cached === undefined) {
      // Redis is unavailable (or the circuit is open): serve the last copy we saw, if any.
      const stale = this.#fallback.get(menuId);
      if (stale) return { items: stale, source: 'fallback' };
    }
    const items = await this.#db.loadMenu(menuId);
    this.#fallback.set(menuId, items);
    await this.#tryCache(() => this.#redis.set(key, items, { ttl: '6h' }));
    return { items, source: 'database' };
  }

  /** Runs a cache operation under the policies; `undefined` when Redis is unavailable. */
  async #tryCache<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.#policy.execute(operation);
    } catch (error) {
      // Outages (BrokenCircuitError is a CacheUnavailableError) degrade; bugs still throw.
      if (CacheUnavailableError.is(error) || CacheTimeoutError.is(error)) return undefined;
      throw error;
    }
  }
}
