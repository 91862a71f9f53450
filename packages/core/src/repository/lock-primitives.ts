import type { Duration } from '../duration.js';
import type {
  AcquireSemaphoreOptions,
  CompareAndDeleteOptions,
  LeaseGrant,
  SemaphoreGrant,
  SetIfAbsentOptions,
  SubscribeOptions,
  Unsubscribe,
} from './options.js';
import type { QueueLockPrimitives } from './queue-lock-primitives.js';

/**
 * The atomic steps a distributed lock is built from. Redis runs them as Lua scripts; the
 * in-memory fake implements them natively. Tokens are stored as raw strings, not serialized, so
 * any client can compare them.
 */
export interface LockPrimitives {
  /**
   * Sets `key` to `token` with a TTL if the key does not exist (`SET NX PX`). With `fencing`, the
   * same atomic step issues the key's next fencing token, max(last + 1, server time in µs), keeps
   * it as the last one (see `fenceKeyOf`) for as long as the lease, and returns it. With
   * `claimHandoff`, a key reserved for waiters (`HANDOFF_TOKEN`) counts as free.
   */
  setIfAbsent(key: string, token: string, ttl: Duration, options?: SetIfAbsentOptions): Promise<LeaseGrant>;
  /**
   * Deletes `key` only if it still holds `token`; `true` when deleted. Optionally publishes a notice
   * and, with `handoff`, reserves the key for the waiters the notice reached.
   */
  compareAndDelete(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean>;
  /** Sets a new TTL on `key` only if it still holds `token`; `true` when extended. */
  compareAndExpire(key: string, token: string, ttl: Duration): Promise<boolean>;
}

/**
 * The atomic steps of a counting semaphore (`DistributedSemaphore`): a sorted set of holder tokens
 * scored by lease expiry, by the server's clock. Lua scripts on Redis, native code in the fake.
 */
export interface SemaphorePrimitives {
  /**
   * Adds `token` to the counting semaphore at `key` (a sorted set of holder tokens scored by lease
   * expiry) if fewer than `limit` live holders remain after expired leases are pruned. Expiry is
   * computed from the server's clock (`TIME`), never the client's, so clock skew between clients
   * cannot stretch or cut a lease. A token that already holds a live lease is renewed and granted.
   * A permit reserved for waiters (see `releaseSemaphore`) counts as held unless `claimHandoff`.
   */
  acquireSemaphore(
    key: string,
    token: string,
    limit: number,
    ttl: Duration,
    options?: AcquireSemaphoreOptions,
  ): Promise<SemaphoreGrant>;
  /**
   * Removes `token`'s lease from the semaphore at `key`; `true` if it was still live (by the server's
   * clock). With `notify`, publishes the key's full name on that channel in the same atomic step;
   * with `handoff` too, reserves the freed permit for the waiters the notice reached.
   */
  releaseSemaphore(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean>;
  /** Moves `token`'s lease to end `ttl` from now (server clock) only if it is still live; `true` when extended. */
  extendSemaphore(key: string, token: string, ttl: Duration): Promise<boolean>;
}

/**
 * Publish/subscribe on channels relative to the repository's `keyPrefix`, used by locks to wake
 * waiters. Messages are plain strings.
 */
export interface PubSubCommands {
  /**
   * Publishes `message`; returns how many subscribers the receiving server delivered it to. On
   * Redis Cluster the message reaches subscribers on every node, but the count covers only the
   * node that received it, so it may be 0 even though subscribers got the message.
   */
  publish(channel: string, message: string): Promise<number>;
  /**
   * Calls `listener` for each message on `channel` until the returned function is called. With
   * `sharded`, a sharded channel on Redis Cluster (`SSUBSCRIBE`), an ordinary one elsewhere.
   */
  subscribe(
    channel: string,
    listener: (message: string) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe>;
}

/**
 * What `@forno/lock` needs of a backend, and nothing more: the lock, semaphore and queued-lock
 * primitives, pub/sub to wake waiters on a release, and the key prefix (release announcements
 * carry full key names). Kept apart from `CacheRepository` (the data commands): every Forno
 * backend (`RedisRepository`, `NodeRedisRepository`, `InMemoryCacheRepository`) and decorator
 * (`ResilientCacheRepository`, `ChaosCacheRepository`) implements both, and a backend that offers
 * only locks can implement just this.
 */
export interface LockBackend
  extends LockPrimitives,
    SemaphorePrimitives,
    QueueLockPrimitives,
    PubSubCommands {
  /** Prefix prepended to every key and channel. */
  readonly keyPrefix: string;
}
