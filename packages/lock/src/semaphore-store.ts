import type { CacheRepository } from '@forno/core';
import { type AcquireAttempt, type LeaseStore, RELEASE_CHANNEL, type ReleaseWatch } from './lease-store.js';

const NOTIFY = { notify: RELEASE_CHANNEL } as const;

/**
 * A counting semaphore on one repository: a sorted set of holder tokens scored by lease expiry,
 * computed from the server's clock inside the atomic step (`acquireSemaphore`), so a client whose
 * clock is off can neither evict other holders early nor keep its own lease too long.
 */
export class SemaphoreStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly limit: number;
  readonly #repository: CacheRepository;

  constructor(repository: CacheRepository, key: string, limit: number) {
    this.#repository = repository;
    this.key = key;
    this.limit = limit;
    this.watches = [{ repository, fullKey: repository.keyPrefix + key }];
  }

  async tryAcquire(token: string, leaseMs: number): Promise<AcquireAttempt> {
    const grant = await this.#repository.acquireSemaphore(this.key, token, this.limit, leaseMs);
    if (!grant.acquired) return { acquired: false, retryAfter: grant.retryAfter };
    return { acquired: true, fencingToken: null, fencingTokens: [] };
  }

  extend(token: string, leaseMs: number): Promise<boolean> {
    return this.#repository.extendSemaphore(this.key, token, leaseMs);
  }

  release(token: string): Promise<boolean> {
    return this.#repository.releaseSemaphore(this.key, token, NOTIFY);
  }
}
