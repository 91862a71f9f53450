import { CacheEntityRepository, type CacheEntityRepositoryOptions } from '@forno/core';
import {
  InMemoryCacheRepository,
  type InMemoryCacheRepositoryOptions,
} from './in-memory-cache-repository.js';

/** Options of {@link InMemoryEntityRepository}: the entity options plus, optionally, the cache to use. */
export interface InMemoryEntityRepositoryOptions<TEntity, TKey>
  extends CacheEntityRepositoryOptions<TEntity, TKey> {
  /** The cache the entities live in. Default: a new `InMemoryCacheRepository` with `cacheOptions`. */
  readonly cache?: InMemoryCacheRepository;
  /** Options of the cache created when `cache` is not given. */
  readonly cacheOptions?: InMemoryCacheRepositoryOptions;
}

/**
 * A Neuroglia-style `Repository<TEntity, TKey>` held in memory, for unit tests of services that
 * depend on a repository. It is the same `CacheEntityRepository` that `RedisEntityRepository`
 * uses, over the in-memory fake, so add/update/find behave exactly as on Redis.
 */
export class InMemoryEntityRepository<
  TEntity,
  TKey extends string | number = string,
> extends CacheEntityRepository<TEntity, TKey> {
  /** The cache the entities live in. */
  readonly cache: InMemoryCacheRepository;

  constructor(options: InMemoryEntityRepositoryOptions<TEntity, TKey>) {
    const { cache: given, cacheOptions, ...entityOptions } = options;
    const cache = given ?? new InMemoryCacheRepository(cacheOptions);
    super(cache, entityOptions);
    this.cache = cache;
  }
}
