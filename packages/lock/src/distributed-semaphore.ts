import { assertKey, describeValue, InvalidConfigError, type LockBackend } from '@forno/core';
import {
  assertRepository,
  type DistributedLockOptions,
  DURABILITY_OPTIONS,
  resolveDurability,
  resolveLockOptions,
} from './distributed-lock.js';
import { Lease, type LeaseInit } from './lease.js';
import { LeaseSource } from './lease-source.js';
import { SemaphoreStore } from './lease-store.js';

/**
 * Options of {@link DistributedSemaphore}: those of a lock but `fencing` (permits carry no token),
 * plus how many may hold it at once. With `durability: 'replicated'`, a permit is returned only
 * once a replica has it, so a failover cannot hand it out again.
 */
export interface DistributedSemaphoreOptions extends Omit<DistributedLockOptions, 'driftFactor' | 'fencing'> {
  /** Maximum number of simultaneous holders (an integer ≥ 1). */
  readonly limit: number;
  /** Share of the lease kept back for clock drift. Default `0.01`. */
  readonly driftFactor?: number;
}

/**
 * A counting semaphore: at most `limit` holders at once, each with a lease that the server judges
 * by its own clock, so client clock skew cannot stretch or cut anyone's lease. Waiting, renewal,
 * deadlines and `signal` work exactly as for {@link DistributedLock}.
 *
 * ```ts
 * const ovens = new DistributedSemaphore(redis, 'ovens', { limit: 3, timeout: '2m' });
 * await ovens.run(async (signal) => bake(pizza, { signal }));
 * ```
 */
export class DistributedSemaphore extends LeaseSource<SemaphorePermit> {
  /** Maximum number of simultaneous holders. */
  readonly limit: number;

  constructor(repository: LockBackend, key: string, options: DistributedSemaphoreOptions) {
    assertRepository(repository);
    assertKey(key);
    const { limit, ...lockOptions } = options ?? ({} as DistributedSemaphoreOptions);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidConfigError('options.limit', `expected an integer ≥ 1, got ${describeValue(limit)}`);
    }
    const resolved = resolveLockOptions(lockOptions, DURABILITY_OPTIONS);
    const durable = resolveDurability(lockOptions);
    super(durable(new SemaphoreStore(repository, key, limit), repository), resolved);
    this.limit = limit;
  }

  /** Releases `permit` (same as `permit.release()`). */
  release(permit: SemaphorePermit): Promise<boolean> {
    return permit.release();
  }

  /** Wraps a grant in a {@link SemaphorePermit} (called by `acquire()` / `tryAcquire()`). */
  protected createHandle(init: LeaseInit): SemaphorePermit {
    return new SemaphorePermit(init);
  }
}

/**
 * One of a semaphore's `limit` permits, returned by `DistributedSemaphore.acquire()`. It behaves
 * like a {@link Lock} (signal, deadline, renewal, idempotent release, `await using`) without a
 * fencing token: several holders share a semaphore, so there is no single order to fence by.
 */
export class SemaphorePermit extends Lease {
  /** @internal Created by `DistributedSemaphore`. */
  constructor(init: LeaseInit) {
    super(init);
  }
}
