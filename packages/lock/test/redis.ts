import type { CacheRepository, LockBackend } from '@forno/core';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository, type RedisRepositoryConfig } from '@forno/redis-driver';

/** Which Forno Redis driver a pool's `repo()` creates. */
export type LockTestDriver = 'ioredis' | 'node-redis';

/**
 * Creates connected repositories with fresh prefixes and disconnects them all at the end: `repo()`
 * on the chosen driver (`RedisRepository` on ioredis by default, or `NodeRedisRepository`),
 * `connected()` always a `RedisRepository`.
 */
export class RepositoryPool {
  readonly #config: () => RedisRepositoryConfig;
  readonly #driver: LockTestDriver;
  readonly #open: (CacheRepository & LockBackend)[] = [];
  #n = 0;

  constructor(config: () => RedisRepositoryConfig, driver: LockTestDriver = 'ioredis') {
    this.#config = config;
    this.#driver = driver;
  }

  /** A repository (connecting lazily: commands queue until connected) with a unique key prefix. */
  repo(prefix = 'lock'): CacheRepository & LockBackend {
    const config = {
      healthCheckInterval: false,
      ...this.#config(),
      keyPrefix: `${prefix}${this.#n++}:`,
    } as const;
    const repo =
      this.#driver === 'node-redis' ? new NodeRedisRepository(config) : new RedisRepository(config);
    this.#open.push(repo);
    void repo.connect().catch(() => {});
    return repo;
  }

  /** A connected repository. */
  async connected(overrides: Partial<RedisRepositoryConfig> = {}): Promise<RedisRepository> {
    const repo = new RedisRepository({
      healthCheckInterval: false,
      ...this.#config(),
      keyPrefix: `lock${this.#n++}:`,
      ...overrides,
    });
    this.#open.push(repo);
    await repo.connect();
    return repo;
  }

  async close(): Promise<void> {
    await Promise.all(this.#open.map((repo) => repo.disconnect().catch(() => {})));
  }
}
