import {
  type CompareAndDeleteOptions,
  type LockBackend,
  type QueueGrant,
  queueLockKeysOf,
} from '@forno/core';
import {
  type AcquireAttempt,
  companionWatchOf,
  type LeaseStore,
  type ReleaseWatch,
  releaseNotice,
  releaseWatchOf,
} from './lease-store.js';

function attemptOf(grant: QueueGrant): AcquireAttempt {
  return grant.acquired
    ? { acquired: true, fencingToken: grant.fencingToken, fencingTokens: [grant.fencingToken] }
    : { acquired: false, retryAfter: grant.retryAfter };
}

/** The waiter id of an attempt; `acquireLease` always passes one to stores that have `leave`. */
function waiterOf(waiter: string | undefined, token: string): string {
  return waiter ?? token;
}

/** The lock primitive a {@link QueuedLockStore} takes its grants from: a fair lock or a write lock. */
export type QueuedPrimitive = 'fair' | 'write';

/**
 * An exclusive lock on the lock key with a waiting line in Redis beside it (same hash slot), so
 * waiters of every process are served in arrival order. A waiter that stops asking drops out of
 * the line `queueTtlMs` after its last attempt; one that gives up leaves at once.
 *
 * - `'fair'`: a strict-FIFO lock (`FairLock`).
 * - `'write'`: the exclusive side of a read-write lock, granted when no reader is left. While it
 *   waits, its waiter id stays in the writers' line, which turns new readers away; it also listens
 *   for readers' releases (announced on the lock key's channel, naming the readers' key).
 */
export class QueuedLockStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly #repository: LockBackend;
  readonly #primitive: QueuedPrimitive;
  readonly #queueTtlMs: number;
  /** Announced on the key's own channel (sharded on Cluster), so only this key's waiters wake. */
  readonly #releaseNotice: CompareAndDeleteOptions;

  constructor(repository: LockBackend, key: string, primitive: QueuedPrimitive, queueTtlMs: number) {
    this.#repository = repository;
    this.key = key;
    this.#primitive = primitive;
    this.#queueTtlMs = queueTtlMs;
    const watch = releaseWatchOf(repository, key);
    if (primitive === 'write') {
      const { readers } = queueLockKeysOf(watch.fullKey, repository.keyPrefix);
      this.watches = [watch, companionWatchOf(watch, readers)];
    } else {
      this.watches = [watch];
    }
    this.#releaseNotice = releaseNotice(watch, false);
  }

  async tryAcquire(token: string, leaseMs: number, waiter?: string): Promise<AcquireAttempt> {
    const args = [this.key, token, waiterOf(waiter, token), leaseMs, this.#queueTtlMs] as const;
    const grant =
      this.#primitive === 'fair'
        ? await this.#repository.acquireFairLock(...args)
        : await this.#repository.acquireWriteLock(...args);
    return attemptOf(grant);
  }

  extend(token: string, leaseMs: number): Promise<boolean> {
    return this.#repository.compareAndExpire(this.key, token, leaseMs);
  }

  release(token: string): Promise<boolean> {
    return this.#repository.compareAndDelete(this.key, token, this.#releaseNotice);
  }

  leave(waiter: string): Promise<boolean> {
    return this.#repository.leaveLockQueue(this.key, waiter, this.#releaseNotice);
  }
}

/**
 * The shared side of a read-write lock: a reader's lease is a member of the readers' sorted set,
 * scored by its expiry on the server's clock. Refused while a writer holds the lock or waits.
 */
export class ReadLockStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly #repository: LockBackend;
  readonly #releaseNotice: CompareAndDeleteOptions;

  constructor(repository: LockBackend, key: string) {
    this.#repository = repository;
    this.key = key;
    // A writer's release, or a writer leaving the line, is announced on the lock key's channel.
    const watch = releaseWatchOf(repository, key);
    this.watches = [watch];
    this.#releaseNotice = releaseNotice(watch, false);
  }

  async tryAcquire(token: string, leaseMs: number): Promise<AcquireAttempt> {
    return attemptOf(await this.#repository.acquireReadLock(this.key, token, leaseMs));
  }

  extend(token: string, leaseMs: number): Promise<boolean> {
    return this.#repository.extendReadLock(this.key, token, leaseMs);
  }

  release(token: string): Promise<boolean> {
    return this.#repository.releaseReadLock(this.key, token, this.#releaseNotice);
  }
}

/**
 * How long a waiter keeps its place in line without asking again: long enough for several of its
 * re-checks (every `retryDelay` + jitter at most), never longer than the lease, so a waiter that
 * died unblocks the line within its lease.
 */
export function queueTtlOf(leaseMs: number, retryDelayMs: number, retryJitterMs: number): number {
  return Math.max(1, Math.min(leaseMs, Math.max(2_000, 4 * (retryDelayMs + retryJitterMs))));
}
