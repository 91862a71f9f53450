import {
  assertKey,
  describeValue,
  InvalidArgumentError,
  InvalidConfigError,
  type LockBackend,
} from '@forno/core';
import { Lease, type LeaseInit } from './lease.js';
import { type GrantedLease, LeaseSource } from './lease-source.js';
import { type LeaseStore, SingleLockStore } from './lease-store.js';
import {
  type DistributedLockOptions,
  DURABILITY_OPTIONS,
  type ResolvedLockOptions,
  resolveDurability,
  resolveLockOptions,
} from './options.js';
import { QuorumLockStore } from './quorum-lock-store.js';

/**
 * A distributed mutex on any `LockBackend` — every `CacheRepository` (Redis, Cluster, Sentinel, the in-memory fake):
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
    repository: LockBackend | readonly LockBackend[],
    key: string,
    options: DistributedLockOptions = {},
  ) {
    assertKey(key);
    const repositories: readonly LockBackend[] = Array.isArray(repository)
      ? (repository as readonly LockBackend[])
      : [repository as LockBackend];
    if (repositories.length === 0)
      throw new InvalidArgumentError('repository', 'expected at least one repository');
    repositories.forEach(assertRepository);
    if (new Set(repositories).size !== repositories.length) {
      throw new InvalidArgumentError('repository', 'the same repository was given twice');
    }
    if (options === null || typeof options !== 'object') resolveLockOptions(options); // throws
    const { fencing = true, ...lockOptions } = options;
    if (typeof fencing !== 'boolean') {
      throw new InvalidConfigError('options.fencing', `expected a boolean, got ${describeValue(fencing)}`);
    }
    const resolved = resolveLockOptions(lockOptions, DURABILITY_OPTIONS);
    const durable = resolveDurability(lockOptions);
    if (repositories.length > 1 && lockOptions.durability === 'replicated') {
      throw new InvalidConfigError(
        'options.durability',
        "'replicated' needs one repository (Redlock is a quorum)",
      );
    }
    super(
      repositories.length === 1
        ? durable(new SingleLockStore(repositories[0]!, key, fencing), repositories[0]!)
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

/** Throws unless `value` looks like a `LockBackend` with the lock primitives. */
export function assertRepository(value: unknown): asserts value is LockBackend {
  const repo = value as Partial<LockBackend> | null | undefined;
  if (typeof repo?.setIfAbsent !== 'function' || typeof repo.compareAndDelete !== 'function') {
    throw new InvalidArgumentError(
      'repository',
      'expected a repository with the lock primitives (a LockBackend, as every CacheRepository is)',
    );
  }
}

/**
 * A source of fenced {@link Lock} handles over any lease store: what `FairLock` is, and what
 * `ReadWriteLock.readLock()` and `writeLock()` return. `acquire()`, `tryAcquire()`, `run()` and
 * `onEvent()` work as on `DistributedLock`.
 */
export class LockSource extends LeaseSource<Lock> {
  /** @internal Created by `FairLock` and `ReadWriteLock`. */
  constructor(store: LeaseStore, options: ResolvedLockOptions) {
    super(store, options);
  }

  /** Wraps a grant in a {@link Lock} (called by `acquire()` / `tryAcquire()`). */
  protected createHandle(init: LeaseInit, grant: GrantedLease): Lock {
    return new Lock(init, grant.fencingToken ?? 0, grant.fencingTokens);
  }
}

/**
 * A held distributed lock, returned by `DistributedLock.acquire()`. Release it with `release()` or
 * let `await using` do it; watch `signal` (or call `throwIfLost()`) while working; pass
 * `fencingToken` with every write to the resource it guards.
 */
export class Lock extends Lease {
  /**
   * Strictly increasing per key: issued by the same atomic step that granted the lock, from a
   * counter kept beside the key (same Cluster slot) that never expires. A resource that remembers
   * the highest token it has seen and refuses lower ones is safe even when a paused holder wakes
   * up after its lease ended. In Redlock mode this is the largest per-instance token, which is
   * NOT a global order: use {@link fencingTokens} (see the README, "Redlock and fencing").
   */
  readonly fencingToken: number;
  /**
   * The fencing token of each repository, in the order they were given (`null` where this lock
   * was not granted). With one repository it is `[fencingToken]`.
   */
  readonly fencingTokens: readonly (number | null)[];

  /** @internal Created by `DistributedLock`. */
  constructor(init: LeaseInit, fencingToken: number, fencingTokens: readonly (number | null)[]) {
    super(init);
    this.fencingToken = fencingToken;
    this.fencingTokens = fencingTokens;
  }
}
