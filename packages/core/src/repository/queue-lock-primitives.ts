import type { Duration } from '../duration.js';
import type { CompareAndDeleteOptions } from './options.js';
import type { ReleaseNotice } from './raw-commands.js';

/**
 * Result of a queued acquisition ({@link QueueLockPrimitives.acquireFairLock} and the read-write
 * lock's acquisitions): granted with a fencing token, or refused with how long to wait at most.
 */
export type QueueGrant =
  | {
      readonly acquired: true;
      /** The key's next fencing token, max(last + 1, server time in µs), as `setIfAbsent` issues it. */
      readonly fencingToken: number;
    }
  | {
      readonly acquired: false;
      /** Ms until the lock may be free by the server's clock; `-1` when unknown (waiting in line). */
      readonly retryAfter: number;
    };

/**
 * The atomic steps of the fair lock and the read-write lock. Each lock key has sibling keys in its
 * hash slot and under the repository's `keyPrefix` (see `siblingKeyOf`): the waiting line (waiter ids scored by arrival, and their
 * deadlines by the server's clock), the readers (tokens scored by lease expiry) and the fencing
 * counter. A waiter id stays the same across one `acquire()` call's attempts; a waiter that stops
 * asking leaves the line once its `queueTtl` passes, so a dead waiter never blocks it for longer.
 */
export interface QueueLockPrimitives {
  /**
   * Strict FIFO lock: grants `key` to `token` when it is free and `waiter` is first in line (or
   * the line is empty); otherwise puts `waiter` in line (keeping its place) for `queueTtl`.
   */
  acquireFairLock(
    key: string,
    token: string,
    waiter: string,
    ttl: Duration,
    queueTtl: Duration,
  ): Promise<QueueGrant>;
  /**
   * Read lock: adds `token` to the readers unless a writer holds `key` or a writer waits in line
   * (writer preference: a stream of readers cannot starve a writer).
   */
  acquireReadLock(key: string, token: string, ttl: Duration): Promise<QueueGrant>;
  /**
   * Write lock: sets `key` to `token` when no writer holds it and no live reader is left;
   * otherwise puts `waiter` in the writers' line for `queueTtl`, which turns new readers away.
   */
  acquireWriteLock(
    key: string,
    token: string,
    waiter: string,
    ttl: Duration,
    queueTtl: Duration,
  ): Promise<QueueGrant>;
  /** Removes `waiter` from the line of `key`; `true` if it was in it (then announces `key` on `notify`). */
  leaveLockQueue(key: string, waiter: string, options?: CompareAndDeleteOptions): Promise<boolean>;
  /** Ends `token`'s read lease on `key`; `true` if it was live (then announces on `notify`). */
  releaseReadLock(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean>;
  /** Moves `token`'s read lease to end `ttl` from now (server clock) if it is still live. */
  extendReadLock(key: string, token: string, ttl: Duration): Promise<boolean>;
  /**
   * `WAIT replicas timeout` on the connection(s) that wrote `key`'s slot: resolves with how many
   * replicas acknowledged every write sent so far (`0` on a server without replicas). Used for
   * `durability: 'replicated'` locks, whose fencing token must survive a failover.
   */
  waitForReplicas(key: string, replicas: number, timeout: Duration): Promise<number>;
}

/** The full keys of one queued lock, all in the lock key's hash slot. */
export interface QueueLockKeys {
  /** The lock (or writer) key. */
  readonly lock: string;
  /** Sorted set: waiter id → arrival order. */
  readonly queue: string;
  /** Sorted set: waiter id → when it leaves the line unless it asks again (server ms). */
  readonly timeouts: string;
  /** Sorted set: reader token → lease expiry (server ms). */
  readonly readers: string;
  /** The last fencing token. */
  readonly fence: string;
}

/** What a backend implements for {@link QueueLockPrimitives}: full keys, durations in ms. */
export interface RawQueueLockCommands {
  acquireFairLock(
    keys: QueueLockKeys,
    token: string,
    waiter: string,
    px: number,
    queuePx: number,
  ): Promise<QueueGrant>;
  acquireReadLock(keys: QueueLockKeys, token: string, px: number): Promise<QueueGrant>;
  acquireWriteLock(
    keys: QueueLockKeys,
    token: string,
    waiter: string,
    px: number,
    queuePx: number,
  ): Promise<QueueGrant>;
  /**
   * Removes `waiter` from the line; when it was in it, publishes `keys.lock` on `notice.channel`
   * if given (`SPUBLISH` when `notice.sharded` on Cluster; `notice.handoffMs` is ignored).
   */
  leaveLockQueue(keys: QueueLockKeys, waiter: string, notice: ReleaseNotice | undefined): Promise<boolean>;
  /** `WAIT replicas timeoutMs` on every pool connection that may have written `key`: the least count. */
  waitForReplicas(key: string, replicas: number, timeoutMs: number): Promise<number>;
}
