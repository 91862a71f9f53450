import type { CacheRepository, Duration } from '@forno/core';
import type { MenuSource } from '../db/ports.js';
import type { MenuItem } from '../domain/types.js';
import type { CachePerformanceMonitor } from './cache-performance-monitor.js';

/** Options of {@link MenuCacheService}. */
export interface MenuCacheServiceOptions {
  /** How long a cached item lives (the seed's `ttl_hours=24`). */
  readonly ttl?: Duration;
  /** Receives a hit or a miss per lookup. */
  readonly monitor?: CachePerformanceMonitor;
}

const ITEM_PREFIX = 'menu:item:';

/**
 * The seed's `MenuCacheService`: cache-aside over the SQL menu. Reads go to the cache first and,
 * on a miss, to the database, writing what they found back with a TTL; invalidation drops one
 * item or every item (SCAN + UNLINK, on every Cluster primary). Values are objects: the
 * repository's serializer does the `json.dumps`.
 */
export class MenuCacheService {
  readonly #cache: CacheRepository;
  readonly #menu: MenuSource;
  readonly #ttl: Duration;
  readonly #monitor: CachePerformanceMonitor | undefined;

  constructor(cache: CacheRepository, menu: MenuSource, options: MenuCacheServiceOptions = {}) {
    this.#cache = cache;
    this.#menu = menu;
    this.#ttl = options.ttl ?? '24h';
    this.#monitor = options.monitor;
  }

  /** The cache key of an item, relative to the repository's prefix (`mario_pizzeria:`). */
  static keyOf(itemId: string): string {
    return ITEM_PREFIX + itemId;
  }

  /** Caches an item (the seed's `cache_menu_item`). */
  async cacheMenuItem(itemId: string, item: MenuItem, ttl: Duration = this.#ttl): Promise<void> {
    await this.#cache.set(MenuCacheService.keyOf(itemId), item, { ttl });
  }

  /** The cached item, or on a miss the database's (then cached); `null` when it does not exist. */
  async getMenuItem(itemId: string): Promise<MenuItem | null> {
    const cached = await this.#cache.get<MenuItem>(MenuCacheService.keyOf(itemId));
    this.#monitor?.trackCacheOperation('menu.get', cached !== null);
    if (cached !== null) return cached;
    const item = await this.#menu.getMenuItem(itemId);
    if (item !== null) await this.cacheMenuItem(itemId, item);
    return item;
  }

  /**
   * The whole menu: one MGET for every item (split by slot on Cluster), one database read for the
   * misses, one MSET with the TTL to put them back.
   */
  async getMenu(): Promise<MenuItem[]> {
    const ids = await this.#menu.listMenuItemIds();
    if (ids.length === 0) return [];
    const cached = await this.#cache.mget<MenuItem>(ids.map((id) => MenuCacheService.keyOf(id)));
    const missing = ids.filter((_, i) => cached[i] === null);
    for (const item of cached) this.#monitor?.trackCacheOperation('menu.get', item !== null);
    const loaded = missing.length === 0 ? [] : await this.#menu.getMenuItems(missing);
    const found = new Map<string, MenuItem>();
    for (const item of loaded) if (item !== null) found.set(item.id, item);
    if (found.size > 0) {
      await this.#cache.mset(
        [...found].map(([id, item]) => [MenuCacheService.keyOf(id), item] as const),
        { ttl: this.#ttl },
      );
    }
    return ids.flatMap((id, i) => {
      const item = cached[i] ?? found.get(id);
      return item === undefined ? [] : [item];
    });
  }

  /**
   * Drops one item from the cache, or every item when `itemId` is omitted (the seed's
   * `invalidate_menu_cache`). Returns how many keys were deleted.
   */
  async invalidateMenuCache(itemId?: string): Promise<number> {
    if (itemId !== undefined) return this.#cache.delete(MenuCacheService.keyOf(itemId));
    return this.#cache.deletePattern(`${ITEM_PREFIX}*`);
  }
}
