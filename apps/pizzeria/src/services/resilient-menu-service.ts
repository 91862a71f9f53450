import type { CircuitState, Duration } from '@forno/core';
import { isOutageError, type ResilientCacheRepository } from '@forno/resilience';
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
  /** Lifetime of a cached menu (default `'6h'`, as the seed). */
  readonly ttl?: Duration;
  readonly monitor?: CachePerformanceMonitor;
}

/** The seed's popular menus, pre-loaded by {@link ResilientMenuService.warmFallbackCache}. */
export const POPULAR_MENUS: readonly string[] = ['margherita', 'pepperoni', 'quattro_stagioni'];

/**
 * The seed's `ResilientMenuService`, on `ResilientCacheRepository` instead of hand-written
 * try/except: the repository runs every call through retry → circuit breaker → timeout and keeps an
 * LRU mirror of what it read and wrote, from which it answers reads while Redis is unavailable or
 * the circuit is open (the seed's `fallback_cache` dict, bounded). What is left here is the
 * cache-aside logic and the last resort, the database.
 */
export class ResilientMenuService {
  readonly #cache: ResilientCacheRepository;
  readonly #menu: MenuSource;
  readonly #ttl: Duration;
  readonly #monitor: CachePerformanceMonitor | undefined;

  constructor(cache: ResilientCacheRepository, menu: MenuSource, options: ResilientMenuServiceOptions = {}) {
    this.#cache = cache;
    this.#menu = menu;
    this.#ttl = options.ttl ?? '6h';
    this.#monitor = options.monitor;
  }

  /** The cache key of a menu: `menu:<id>` (the seed's `mario_pizzeria:menu:<id>`). */
  static keyOf(menuId: string): string {
    return `menu:${menuId}`;
  }

  /** State of the circuit breaker guarding Redis (for `/health`). */
  get circuitState(): CircuitState {
    return this.#cache.breaker?.state ?? 'closed';
  }

  /**
   * The menu from Redis; while Redis is unavailable, from the fallback mirror; on a miss, or when
   * Redis is down and nothing was mirrored, from the database. `null` when it does not exist.
   * Only outages degrade: a bug (a bad key, a wrong type) still throws.
   */
  async getMenuWithFallback(menuId: string): Promise<SourcedMenuItem | null> {
    const key = ResilientMenuService.keyOf(menuId);
    try {
      const { value, source } = await this.#cache.getWithSource<MenuItem>(key);
      this.#monitor?.trackCacheOperation('menu.resilient.get', value !== null);
      if (value !== null) return { item: value, source: source === 'fallback' ? 'fallback' : 'cache' };
    } catch (error) {
      if (!isOutageError(error)) throw error;
      this.#monitor?.trackCacheOperation('menu.resilient.get', false);
    }
    const item = await this.#menu.getMenuItem(menuId);
    if (item === null) return null;
    try {
      await this.#cache.set(key, item, { ttl: this.#ttl });
    } catch (error) {
      // Not cached this time; the database answered, which is what matters.
      if (!isOutageError(error)) throw error;
    }
    return { item, source: 'database' };
  }

  /** Drops a cached menu, e.g. after its price changed. */
  async invalidate(menuId: string): Promise<void> {
    try {
      await this.#cache.delete(ResilientMenuService.keyOf(menuId));
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
