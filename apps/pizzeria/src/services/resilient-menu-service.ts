import type { HybridCache } from '@forno/cache';
import type { CircuitState, Duration } from '@forno/core';
import { isOutageError } from '@forno/resilience';
import type { MenuSource } from '../db/ports.js';
import type { MenuItem } from '../domain/types.js';
import type { CachePerformanceMonitor } from './cache-performance-monitor.js';

/** Where a menu answer came from. */
export type MenuSourceKind = 'cache' | 'fallback' | 'database';

/** A menu item with where it came from. */
export interface SourcedMenuItem {
  readonly item: MenuItem;
  readonly source: MenuSourceKind;
}

/** Options of {@link ResilientMenuService}. */
export interface ResilientMenuServiceOptions {
  /** Lifetime of a cached menu (default `'6h'`). */
  readonly ttl?: Duration;
  readonly monitor?: CachePerformanceMonitor;
  /** The circuit breaker guarding Redis, reported by `circuitState`. */
  readonly breaker?: { readonly state: CircuitState };
}

/** The popular menus, pre-loaded by {@link ResilientMenuService.warmFallbackCache}. */
export const POPULAR_MENUS: readonly string[] = ['margherita', 'pepperoni', 'quattro_stagioni'];

/**
 * Menus that survive outages, on a `HybridCache` whose L2 is a `ResilientCacheRepository`
 * (retry → circuit breaker → timeout): the hybrid cache's fail-safe serves the last good value, no
 * hand-written fallback dictionary. A menu is answered from memory or Redis (`cache`); when
 * Redis is down, from memory; when the database fails too (or is slow), from the last value kept
 * for the grace period (`fallback`); otherwise from the database, once however many requests wait
 * (`database`). Menus live under `resilient_menu:<id>`.
 */
export class ResilientMenuService {
  readonly #cache: HybridCache;
  readonly #menu: MenuSource;
  readonly #ttl: Duration;
  readonly #monitor: CachePerformanceMonitor | undefined;
  readonly #breaker: ResilientMenuServiceOptions['breaker'];

  /** `cache`: a hybrid cache of the `resilient_menu` namespace, with grace (see the composition root). */
  constructor(cache: HybridCache, menu: MenuSource, options: ResilientMenuServiceOptions = {}) {
    this.#cache = cache;
    this.#menu = menu;
    this.#ttl = options.ttl ?? '6h';
    this.#monitor = options.monitor;
    this.#breaker = options.breaker;
  }

  /** The namespace of the menus' cache. */
  static readonly namespace = 'resilient_menu';

  /** The cache key of a menu, relative to the repository's prefix. */
  static keyOf(menuId: string): string {
    return `${ResilientMenuService.namespace}:${menuId}`;
  }

  /** State of the circuit breaker guarding Redis (for `/health`). */
  get circuitState(): CircuitState {
    return this.#breaker?.state ?? 'closed';
  }

  /**
   * The menu from the cache; when Redis is unavailable, from memory; when the database fails too,
   * the last value within grace; on a miss, from the database. `null` when it does not exist.
   * Only outages degrade: a bug (a bad key) still throws.
   */
  async getMenuWithFallback(menuId: string): Promise<SourcedMenuItem | null> {
    const { value, source } = await this.#cache.getOrSetWithSource<MenuItem | null>(
      menuId,
      async ({ skip }) => (await this.#menu.getMenuItem(menuId)) ?? skip(null),
      { ttl: this.#ttl },
    );
    this.#monitor?.trackCacheOperation('menu.resilient.get', source !== 'factory');
    if (value === null) return null;
    return {
      item: value,
      source: source === 'stale' ? 'fallback' : source === 'factory' ? 'database' : 'cache',
    };
  }

  /** Drops a cached menu, e.g. after its price changed (in every process). */
  async invalidate(menuId: string): Promise<void> {
    try {
      await this.#cache.delete(menuId);
    } catch (error) {
      if (!isOutageError(error)) throw error;
    }
  }

  /** Pre-loads menus (default: the popular ones) so they can be served during an outage. Returns the ids that failed. */
  async warmFallbackCache(menuIds: readonly string[] = POPULAR_MENUS): Promise<string[]> {
    const failed: string[] = [];
    for (const menuId of menuIds) {
      try {
        if ((await this.getMenuWithFallback(menuId)) === null) failed.push(menuId);
      } catch {
        failed.push(menuId);
      }
    }
    return failed;
  }
}
