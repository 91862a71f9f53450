import {
  assertKey,
  type CacheRepository,
  describeValue,
  InvalidArgumentError,
  InvalidConfigError,
} from '@forno/core';
import type { GrantedLease } from './acquire-lease.js';
import type { LeaseInit } from './lease.js';
import { LeaseSource } from './lease-source.js';
import { Lock } from './lock.js';
import { type DistributedLockOptions, resolveLockOptions } from './options.js';
import { QuorumLockStore } from './quorum-lock-store.js';
import { SingleLockStore } from './single-lock-store.js';

/**
 * A distributed mutex on any `CacheRepository` (Redis, Cluster, Sentinel, the in-memory fake):
 *
 * ```ts
 * await using lock = await new DistributedLock(redis, `order_lock:${id}`, { timeout: '30s' }).acquire();
 * await db.write(order, { fencingToken: lock.fencingToken, signal: lock.signal });
 * ```
 *
 * Each acquisition gets a 128-bit random token and a fencing token from the same atomic step;
 * its lease is renewed in the background (`autoExtend`), its validity is tracked on the
 * monotonic clock, and `lock.signal` aborts when it is lost. Waiters wake on the release
 * announcement instead of polling. Given several repositories, it runs Redlock: a majority must
 * grant the lock (see {@link Lock.fencingTokens} for what fencing means then).
 */
export class DistributedLock extends LeaseSource<Lock> {
  /** Number of repositories (1 unless Redlock). */
  readonly instances: number;

  constructor(
    repository: CacheRepository | readonly CacheRepository[],
    key: string,
    options: DistributedLockOptions = {},
  ) {
    assertKey(key);
    const repositories: readonly CacheRepository[] = Array.isArray(repository)
      ? (repository as readonly CacheRepository[])
      : [repository as CacheRepository];
    if (repositories.length === 0)
      throw new InvalidArgumentError('repository', 'expected at least one repository');
    repositories.forEach(assertRepository);
    if (new Set(repositories).size !== repositories.length) {
      throw new InvalidArgumentError('repository', 'the same repository was given twice');
    }
    if (options === null || typeof options !== 'object') resolveLockOptions(options); // throws
    const { fencing = true, ...lockOptions } = options;
    if (typeof fencing !== 'boolean') {
      throw new InvalidConfigError('fencing', `expected a boolean, got ${describeValue(fencing)}`);
    }
    const resolved = resolveLockOptions(lockOptions);
    super(
      repositories.length === 1
        ? new SingleLockStore(repositories[0]!, key, fencing)
        : new QuorumLockStore(repositories, key, fencing),
      resolved,
    );
    this.instances = repositories.length;
  }

  /** Wraps a grant in a {@link Lock} (called by `acquire()` / `tryAcquire()`). */
  protected createHandle(init: LeaseInit, grant: GrantedLease): Lock {
    return new Lock(init, grant.fencingToken ?? 0, grant.fencingTokens);
  }
}

/** Throws unless `value` looks like a `CacheRepository` with the lock primitives. */
export function assertRepository(value: unknown): asserts value is CacheRepository {
  const repo = value as Partial<CacheRepository> | null | undefined;
  if (typeof repo?.setIfAbsent !== 'function' || typeof repo.compareAndDelete !== 'function') {
    throw new InvalidArgumentError('repository', 'expected a CacheRepository');
  }
}
