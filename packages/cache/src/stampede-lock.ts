import type { LockBackend } from '@forno/core';
import { DistributedLock, LockTimeoutError } from '@forno/lock';

/** The lease of a stampede lock: renewed every third of it while the factory runs, so it can be short. */
const LEASE_MS = 3_000;

/** A held stampede lock. */
export interface HeldLock {
  release(): Promise<unknown>;
}

/**
 * The seam between the cache and distributed locking: one lock per entry key while a process runs
 * its factory (`stampede: 'distributed'`). On `@forno/lock`'s `DistributedLock`, without fencing
 * (a cache key must not leave a permanent fencing counter behind), with a short lease renewed in
 * the background, so a crashed holder blocks the others for at most the lease. Waiters wake on the
 * release announcement.
 */
export class StampedeLock {
  readonly #repository: LockBackend;

  constructor(repository: LockBackend) {
    this.#repository = repository;
  }

  /**
   * Takes the lock of `key`, waiting up to `waitMs`: the held lock, or `null` when it stayed taken
   * that long. Rejects with `signal.reason` when `signal` aborts, and with the repository's error.
   */
  async acquire(key: string, waitMs: number, signal: AbortSignal): Promise<HeldLock | null> {
    try {
      return await new DistributedLock(this.#repository, key, {
        timeout: LEASE_MS,
        waitTimeout: waitMs,
        fencing: false,
      }).acquire({ signal });
    } catch (error) {
      if (LockTimeoutError.is(error)) return null;
      throw error;
    }
  }
}
