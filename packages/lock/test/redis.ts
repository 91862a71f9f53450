import type { CacheRepository } from '@forno/core';
import { RedisRepository, type RedisRepositoryConfig } from '@forno/redis-driver';

/** Creates connected `RedisRepository`s with fresh prefixes and disconnects them all at the end. */
export class RepositoryPool {
  readonly #config: () => RedisRepositoryConfig;
  readonly #open: RedisRepository[] = [];
  #n = 0;

  constructor(config: () => RedisRepositoryConfig) {
    this.#config = config;
  }

  /** A repository (connecting lazily: commands queue until connected) with a unique key prefix. */
  repo(prefix = 'lock'): CacheRepository {
    const repo = new RedisRepository({
      healthCheckInterval: false,
      ...this.#config(),
      keyPrefix: `${prefix}${this.#n++}:`,
    });
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
