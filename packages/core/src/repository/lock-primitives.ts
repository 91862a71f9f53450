import type { Duration } from '../duration.js';
import type { CompareAndDeleteOptions, LeaseGrant, SetIfAbsentOptions, Unsubscribe } from './options.js';

/**
 * The atomic steps a distributed lock is built from. Redis runs them as Lua scripts; the
 * in-memory fake implements them natively. Tokens are stored as raw strings, not serialized, so
 * any client can compare them.
 */
export interface LockPrimitives {
  /**
   * Sets `key` to `token` with a TTL if the key does not exist (`SET NX PX`). With `fencing`, the
   * same atomic step increments the key's fencing counter (see `fenceKeyOf`) and returns it.
   */
  setIfAbsent(key: string, token: string, ttl: Duration, options?: SetIfAbsentOptions): Promise<LeaseGrant>;
  /** Deletes `key` only if it still holds `token`; `true` when deleted. Optionally publishes a notice. */
  compareAndDelete(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean>;
  /** Sets a new TTL on `key` only if it still holds `token`; `true` when extended. */
  compareAndExpire(key: string, token: string, ttl: Duration): Promise<boolean>;
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
  /** Calls `listener` for each message on `channel` until the returned function is called. */
  subscribe(channel: string, listener: (message: string) => void): Promise<Unsubscribe>;
}
