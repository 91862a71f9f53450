import { CacheEntityRepository, type CacheEntityRepositoryOptions, type CacheRepository } from '@forno/core';

/**
 * Neuroglia's `Repository<TEntity, TKey>` on Redis: one key `<entityName>:<id>` per entity under
 * the repository's prefix, values through its serializer (JSON by default), optional TTL, and
 * `find(pattern)` streamed with SCAN + MGET batches (never KEYS, never one GET per key).
 *
 * ```ts
 * const orders = new RedisEntityRepository<Order>(redis, { entityName: 'order' });
 * await orders.add({ id: 'o1', status: 'pending' });
 * for await (const order of orders.find('2026-*')) { ... }
 * ```
 */
export class RedisEntityRepository<
  TEntity,
  TKey extends string | number = string,
> extends CacheEntityRepository<TEntity, TKey> {
  constructor(redis: CacheRepository, options: CacheEntityRepositoryOptions<TEntity, TKey>) {
    super(redis, options);
  }
}
