import { assertKey, type LockBackend } from '@forno/core';
import { assertRepository, LockSource } from './distributed-lock.js';
import { type FairLockOptions, resolveQueuedOptions } from './fair-lock.js';
import { QueuedLockStore, queueTtlOf, ReadLockStore } from './queued-lock-stores.js';

/** Options of {@link ReadWriteLock}: those of {@link DistributedLock}, for both sides (fencing is always on). */
export type ReadWriteLockOptions = FairLockOptions;

/**
 * A distributed read-write lock, like Redisson's `RReadWriteLock`: any number of readers, or one
 * writer. Once a writer waits, new readers are turned away until it has had its turn, so a steady
 * stream of readers cannot starve writers. Both sides hand out {@link Lock}s with a fencing token
 * (one counter for the key, so a write's token is above every read granted before it) and a
 * `signal` that aborts when the lease is lost.
 *
 * ```ts
 * const menu = new ReadWriteLock(redis, 'menu', { timeout: '10s' });
 * const items = await menu.readLock().run(() => db.menu());
 * await menu.writeLock().run((signal, lock) => db.saveMenu(items, { fencingToken: lock.fencingToken }));
 * ```
 */
export class ReadWriteLock {
  /** The key, as given. */
  readonly key: string;
  readonly #read: LockSource;
  readonly #write: LockSource;

  constructor(repository: LockBackend, key: string, options: ReadWriteLockOptions = {}) {
    assertRepository(repository);
    assertKey(key);
    const { resolved, durable } = resolveQueuedOptions(options);
    const { leaseMs, retryDelayMs, retryJitterMs } = resolved;
    const queueTtlMs = queueTtlOf(leaseMs, retryDelayMs, retryJitterMs);
    this.key = key;
    this.#read = new LockSource(durable(new ReadLockStore(repository, key), repository), resolved);
    this.#write = new LockSource(
      durable(new QueuedLockStore(repository, key, 'write', queueTtlMs), repository),
      resolved,
    );
  }

  /** The shared side: `acquire()`, `tryAcquire()` and `run()` take a read lease. */
  readLock(): LockSource {
    return this.#read;
  }

  /** The exclusive side: `acquire()`, `tryAcquire()` and `run()` take the write lease. */
  writeLock(): LockSource {
    return this.#write;
  }
}
