import type { CacheRepository } from '@forno/core';
import { type AcquireAttempt, type LeaseStore, RELEASE_CHANNEL, type ReleaseWatch } from './lease-store.js';

const NOTIFY = { notify: RELEASE_CHANNEL } as const;
const FENCED = { fencing: true } as const;

/**
 * A lock on one repository: `SET NX PX` and `INCR` of the fencing counter in one atomic step,
 * compare-and-pexpire to extend, compare-and-delete + `PUBLISH` to release. The lock key is stored
 * exactly as given, so `repository.exists(key)` tells whether it is held.
 */
export class SingleLockStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly #repository: CacheRepository;
  readonly #acquireOptions: typeof FENCED | undefined;

  /** `fencing: false` takes the lock without touching a fencing counter (no permanent key). */
  constructor(repository: CacheRepository, key: string, fencing = true) {
    this.#repository = repository;
    this.key = key;
    this.#acquireOptions = fencing ? FENCED : undefined;
    this.watches = [{ repository, fullKey: repository.keyPrefix + key }];
  }

  async tryAcquire(token: string, leaseMs: number): Promise<AcquireAttempt> {
    const grant = await this.#repository.setIfAbsent(this.key, token, leaseMs, this.#acquireOptions);
    if (!grant.acquired) return { acquired: false, retryAfter: grant.remainingTtl };
    return { acquired: true, fencingToken: grant.fencingToken, fencingTokens: [grant.fencingToken] };
  }

  extend(token: string, leaseMs: number): Promise<boolean> {
    return this.#repository.compareAndExpire(this.key, token, leaseMs);
  }

  release(token: string): Promise<boolean> {
    return this.#repository.compareAndDelete(this.key, token, NOTIFY);
  }
}
