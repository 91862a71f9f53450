import { CacheError } from '@forno/core';

/**
 * The lock (or semaphore permit) was not acquired within `waitTimeout`. Nothing is held: every
 * partial acquisition was rolled back. `cause` is the last backend error, if attempts failed.
 */
export class LockTimeoutError extends CacheError {
  static override readonly code: string = 'E_LOCK_TIMEOUT';

  /** The lock key. */
  readonly key: string;
  /** How long the caller waited, in ms. */
  readonly waitedMs: number;

  constructor(key: string, waitedMs: number, options?: { cause?: unknown }) {
    super(`Could not acquire lock "${key}" within ${Math.round(waitedMs)} ms`, options);
    this.key = key;
    this.waitedMs = waitedMs;
  }
}

/**
 * A held lock stopped being held before it was released: a renewal found another token on the
 * key, or the local deadline (lease − elapsed − drift) passed without a successful renewal. It is
 * the `reason` of `lock.signal` and what `extend()` and `run()` throw. Work guarded by the lock must
 * stop: another process may hold it now. `cause` is the backend error, when renewals failed.
 */
export class LockLostError extends CacheError {
  static override readonly code: string = 'E_LOCK_LOST';

  /** The lock key. */
  readonly key: string;

  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super(`Lock "${key}" was lost: ${reason}`, options);
    this.key = key;
  }
}

/**
 * A `durability: 'replicated'` acquisition was granted on the primary, but no replica confirmed it
 * (`WAIT`) within `replicationTimeout`, so its fencing token might not survive a failover. The grant
 * was handed back: nothing is held. `cause` is the backend error, if `WAIT` itself failed.
 */
export class LockNotReplicatedError extends CacheError {
  static override readonly code: string = 'E_LOCK_NOT_REPLICATED';

  /** The lock key. */
  readonly key: string;
  /** Replicas that confirmed (fewer than required). */
  readonly replicas: number;

  constructor(key: string, replicas: number, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      `Lock "${key}" was not confirmed by a replica within ${timeoutMs} ms (${replicas} confirmed); it was released`,
      options,
    );
    this.key = key;
    this.replicas = replicas;
  }
}
