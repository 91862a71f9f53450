import type { CacheRepository } from '@forno/core';

/** The pub/sub channel (relative to each repository's `keyPrefix`) on which releases are announced. */
export const RELEASE_CHANNEL = 'forno:lock-released';

/** One attempt to take a lease. */
export type AcquireAttempt =
  | {
      readonly acquired: true;
      /** The fencing token this lock exposes (see `Lock.fencingToken`); `null` for semaphores. */
      readonly fencingToken: number | null;
      /** Per-repository fencing tokens (one entry per repository; `null` where not granted). */
      readonly fencingTokens: readonly (number | null)[];
    }
  | {
      readonly acquired: false;
      /** Ms until the lease may be free (the holder's remaining lease); `-1` when unknown. */
      readonly retryAfter: number;
      /** Backend failures behind the refusal (Redlock mode), reported as the timeout's cause. */
      readonly error?: unknown;
    };

/** A release announcement to listen for: the repository and the full key (prefix included). */
export interface ReleaseWatch {
  readonly repository: CacheRepository;
  readonly fullKey: string;
}

/**
 * Where leases live: one lock key, a Redlock quorum of keys, or a semaphore. `DistributedLock` and
 * `DistributedSemaphore` share the waiting, deadline and renewal logic over this seam.
 */
export interface LeaseStore {
  /** The key, as the caller named it. */
  readonly key: string;
  /** What to listen for to learn of a release. */
  readonly watches: readonly ReleaseWatch[];
  /**
   * Tries once. Single-instance stores reject on backend errors; a quorum store reports them as a
   * refusal so waiting goes on with the instances that answer.
   */
  tryAcquire(token: string, leaseMs: number): Promise<AcquireAttempt>;
  /** `true` when extended; `false` when the lease is no longer this token's; rejects on backend errors. */
  extend(token: string, leaseMs: number): Promise<boolean>;
  /** `true` when this token's lease was live and is now deleted (waiters are notified); may reject. */
  release(token: string): Promise<boolean>;
}
