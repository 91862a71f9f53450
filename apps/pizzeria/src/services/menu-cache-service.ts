import type { HybridCache } from '@forno/cache';
import type { Duration } from '@forno/core';
import type { MenuSource } from '../db/ports.js';
import type { MenuItem } from '../domain/types.js';
import type { CachePerformanceMonitor } from './cache-performance-monitor.js';

/** Options of {@link MenuCacheService}. */
export interface MenuCacheServiceOptions {
  /** How long a cached item lives (default 24 hours). */
  readonly ttl?: Duration;
  /** Receives a hit or a miss per lookup. */
  readonly monitor?: CachePerformanceMonitor;
}

const ITEM_NAMESPACE = 'menu:item';

/**
 * Menu items cached aside the SQL menu, on a `HybridCache` (`@forno/cache`):
 * the menu is the hot read, so items are answered from memory (L1) and Redis (L2), and a miss
 * runs one database query however many requests wait for it. Writes to the menu invalidate the
 * item in every process's L1 through the cache's bus. Items live under `menu:item:<id>`.
 */
export class MenuCacheService {
  readonly #items: HybridCache;
  readonly #menu: MenuSource;
  readonly #ttl: Duration;
  readonly #monitor: MenuCacheServiceOptions['monitor'];

  /** `items`: the hybrid cache of the `menu:item` namespace (see the composition root). */
  constructor(items: HybridCache, menu: MenuSource, options: MenuCacheServiceOptions = {}) {
    this.#items = items;
    this.#menu = menu;
    this.#ttl = options.ttl ?? '24h';
    this.#monitor = options.monitor;
  }

  /** The namespace of the items' cache. */
  static readonly namespace = ITEM_NAMESPACE;

  /** The cache key of an item, relative to the repository's prefix (`mario_pizzeria:`). */
  static keyOf(itemId: string): string {
    return `${ITEM_NAMESPACE}:${itemId}`;
  }

  /** Caches an item, in every process. */
  async cacheMenuItem(itemId: string, item: MenuItem, ttl: Duration = this.#ttl): Promise<void> {
    await this.#items.set(itemId, item, { ttl });
  }

  /** The cached item, or on a miss the database's (then cached); `null` when it does not exist (not cached). */
  async getMenuItem(itemId: string): Promise<MenuItem | null> {
    const { value, source } = await this.#items.getOrSetWithSource<MenuItem | null>(
      itemId,
      async ({ skip }) => (await this.#menu.getMenuItem(itemId)) ?? skip(null),
      { ttl: this.#ttl },
    );
    this.#monitor?.trackCacheOperation('menu.get', source !== 'factory');
    return value;
  }

  /** The whole menu: every item from L1/L2, one database read for the misses, in id order. */
  async getMenu(): Promise<MenuItem[]> {
    const ids = await this.#menu.listMenuItemIds();
    if (ids.length === 0) return [];
    const missed = new Set<string>();
    const items = await this.#items.getOrSetMany<MenuItem | null>(
      ids,
      async (missing) => {
        for (const id of missing) missed.add(id);
        return this.#menu.getMenuItems(missing);
      },
      { ttl: this.#ttl },
    );
    for (const id of ids) this.#monitor?.trackCacheOperation('menu.get', !missed.has(id));
    return items.filter((item): item is MenuItem => item !== null);
  }

  /**
   * Drops one item from the cache, or every item when `itemId` is omitted, in Redis and in every process's memory. Returns how many keys Redis
   * deleted.
   */
  async invalidateMenuCache(itemId?: string): Promise<number> {
    return itemId === undefined ? this.#items.clear() : this.#items.delete(itemId);
  }
}
