import { Lock } from './distributed-lock.js';
import type { LeaseInit } from './lease.js';
import { type GrantedLease, LeaseSource } from './lease-source.js';
import type { LeaseStore } from './lease-store.js';
import type { ResolvedLockOptions } from './options.js';

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
