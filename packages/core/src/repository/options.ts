import type { Duration } from '../duration.js';

/** Redis data types, as `TYPE` reports them and as `scan({ type })` filters them. */
export type KeyType = 'string' | 'hash' | 'list' | 'set' | 'zset' | 'stream';

/** Options of {@link KeyValueCommands.set}. */
export interface SetOptions {
  /** Expire the key after this long. Omit to keep the key until deleted. */
  readonly ttl?: Duration;
  /** Only set the key if it does not exist (`NX`). `set` then returns whether it was set. */
  readonly nx?: boolean;
  /** Only set the key if it already exists (`XX`). */
  readonly xx?: boolean;
  /** Keep the key's current TTL instead of clearing it (`KEEPTTL`). Not combinable with `ttl`. */
  readonly keepTtl?: boolean;
}

/** Options of {@link KeyValueCommands.mset}. */
export interface MsetOptions {
  /** Expire every written key after this long. */
  readonly ttl?: Duration;
}

/** Options of {@link KeyValueCommands.scan} and {@link KeyValueCommands.deletePattern}. */
export interface ScanOptions {
  /** `COUNT` hint per SCAN call (work per round trip): default 250 for `scan`, 1000 for `deletePattern`. */
  readonly count?: number;
  /** Only keys of this type (`TYPE` filter). */
  readonly type?: KeyType;
}

/** A sorted-set member with its score. */
export interface ScoredMember<T = unknown> {
  readonly member: T;
  readonly score: number;
}

/** Options of {@link SortedSetCommands.zadd}, mirroring the Redis flags. */
export interface ZAddOptions {
  /** Only add new members. */
  readonly nx?: boolean;
  /** Only update existing members. */
  readonly xx?: boolean;
  /** Only update when the new score is greater. */
  readonly gt?: boolean;
  /** Only update when the new score is lower. */
  readonly lt?: boolean;
  /** Return the number of members added or changed instead of only added. */
  readonly ch?: boolean;
}

/** Options of {@link SortedSetCommands.zrange}. */
export interface ZRangeOptions {
  /** Highest score first (`REV`). */
  readonly rev?: boolean;
  /** Return `{ member, score }` entries instead of members. */
  readonly withScores?: boolean;
}

/**
 * A score bound for range queries: a number (inclusive), `'-inf'`/`'+inf'` (or ±Infinity), or an
 * exclusive bound written as Redis does, e.g. `'(5'`.
 */
export type ScoreBound = number | '-inf' | '+inf' | `(${number}`;

/** Options of {@link SortedSetCommands.zrangebyscore}. */
export interface ZRangeByScoreOptions {
  /** Return `{ member, score }` entries instead of members. */
  readonly withScores?: boolean;
  /** Skip this many matches (`LIMIT offset count`); requires `count`. */
  readonly offset?: number;
  /** Return at most this many matches. */
  readonly count?: number;
}

/** Result of {@link LockPrimitives.setIfAbsent}. */
export type LeaseGrant =
  | {
      readonly acquired: true;
      /** The new value of the key's fencing counter, when fencing was requested; else `null`. */
      readonly fencingToken: number | null;
    }
  | {
      readonly acquired: false;
      /** Remaining TTL of the current holder in ms (-1 if it has none): how long a waiter may wait. */
      readonly remainingTtl: number;
    };

/** Options of {@link LockPrimitives.setIfAbsent}. */
export interface SetIfAbsentOptions {
  /** Also increment the key's fencing counter in the same atomic step and return it. */
  readonly fencing?: boolean;
  /**
   * Also take the key when it holds a handoff reservation ({@link HANDOFF_TOKEN}, left by a
   * release with `handoff`). Only a waiter that was already waiting when the key was released
   * should claim it: that is what makes the handoff fair.
   */
  readonly claimHandoff?: boolean;
  /**
   * The id of the waiting process (or connection) this attempt is made for: a refusal registers it
   * among the key's waiters (see `waitersKeyOf`; kept in line by its first refusal), a grant takes
   * it out. A release with `handoff` then announces on that process's own channel alone (see
   * `waiterChannelOf`) and reserves the key for it (`HANDOFF_TOKEN:<waiter>`), which a claimer
   * with the same `waiter` (and `claimHandoff`) takes. Base64url characters, at most 64.
   */
  readonly waiter?: string;
}

/**
 * The value a released lock key holds while it is reserved for the waiters that were told of the
 * release (see `CompareAndDeleteOptions.handoff`): not a holder's token, so no holder can extend
 * or delete it, and only an acquisition with `claimHandoff` takes it. A key reserved for one
 * registered waiter holds `HANDOFF_TOKEN:<waiter>` (see `SetIfAbsentOptions.waiter`). A semaphore's
 * reserved permit is a member named `HANDOFF_TOKEN:<released token>`, or
 * {@link semaphoreReservationOf}`(waiter)` when it is reserved for one registered waiter.
 */
export const HANDOFF_TOKEN = 'forno:handoff';

/**
 * The member of a semaphore's sorted set that holds a permit reserved for the registered waiter
 * `waiter` alone (see `AcquireSemaphoreOptions.waiter`): `HANDOFF_TOKEN:for:<waiter>`. The `for:`
 * sets it apart from a reservation for every waiter, `HANDOFF_TOKEN:<released token>` (the
 * semaphore's tokens hold no `:`), which has the same shape as `HANDOFF_TOKEN:<waiter>` would.
 */
export function semaphoreReservationOf(waiter: string): string {
  return `${HANDOFF_TOKEN}:for:${waiter}`;
}

/** Options of {@link SemaphorePrimitives.acquireSemaphore}. */
export interface AcquireSemaphoreOptions {
  /**
   * Also take a permit reserved for waiters by a release with `handoff` (the reservation ends and
   * this token's lease starts). Only a waiter that was already waiting when the permit was released
   * should claim it: that is what makes the handoff fair. With `waiter`, it takes the permit
   * reserved for that waiter ({@link semaphoreReservationOf}) first, else one reserved for every
   * waiter, never one reserved for another waiter; without it, only one reserved for every waiter.
   */
  readonly claimHandoff?: boolean;
  /**
   * The id of the waiting process this attempt is made for, as `SetIfAbsentOptions.waiter`: a
   * refusal registers it among the semaphore's waiters (`waitersKeyOf`), a grant takes it out, and
   * a release with `handoff` tells the oldest registered one alone and reserves the freed permit
   * for it ({@link semaphoreReservationOf}). Base64url characters, at most 64.
   */
  readonly waiter?: string;
}

/** Options of {@link LockPrimitives.compareAndDelete} and {@link SemaphorePrimitives.releaseSemaphore}. */
export interface CompareAndDeleteOptions {
  /** On success, publish the key's name on this channel in the same atomic step (wakes waiters). */
  readonly notify?: string;
  /**
   * `notify` is a sharded channel in the key's hash slot (see `releaseChannelOf`): on Redis
   * Cluster it is published with `SPUBLISH`, so only the key's shard carries it; elsewhere it is an
   * ordinary channel. Subscribe to it with `{ sharded: true }`.
   */
  readonly sharded?: boolean;
  /**
   * Fair handoff: when the notice reached at least one subscriber (someone waits for this key),
   * the released lock key is reserved for that long ({@link HANDOFF_TOKEN}): a fresh acquisition is
   * refused as if the lock were held, a waiter that claims it (`claimHandoff`) takes it. Without
   * waiters the key is deleted as before. On `compareAndDelete`, registered waiters (see
   * `SetIfAbsentOptions.waiter`) come first: the oldest one whose own channel
   * (`waiterChannelOf(notify, waiter)`) has a subscriber is told alone, and the key is reserved for
   * it; registered waiters nobody listens for are dropped on the way. On `releaseSemaphore`, the
   * freed permit is reserved the same way (a member that counts as a holder until it ends or is
   * claimed with `AcquireSemaphoreOptions.claimHandoff`): for the oldest registered waiter that
   * hears (`AcquireSemaphoreOptions.waiter`, {@link semaphoreReservationOf}), else, when the
   * notice reached a subscriber, for every waiter (`HANDOFF_TOKEN:<token>`). Ignored by
   * `releaseReadLock` and `leaveLockQueue`.
   */
  readonly handoff?: Duration;
}

/** Options of {@link PubSubCommands.subscribe}. */
export interface SubscribeOptions {
  /**
   * The channel is sharded (`SSUBSCRIBE` on Redis Cluster, so a notice published with `sharded` is
   * heard from the channel's shard alone); an ordinary subscription elsewhere.
   */
  readonly sharded?: boolean;
}

/** Removes a subscription created by {@link PubSubCommands.subscribe}. */
export type Unsubscribe = () => Promise<void>;

/** Result of {@link SemaphorePrimitives.acquireSemaphore}. */
export type SemaphoreGrant =
  | {
      readonly acquired: true;
      /** Live holders after the grant, this one included. */
      readonly holders: number;
    }
  | {
      readonly acquired: false;
      /** Live holders (the limit was reached). */
      readonly holders: number;
      /** Ms until the soonest holder's lease ends by the server's clock: how long a waiter may wait. */
      readonly retryAfter: number;
    };

/** Options of {@link KeyValueCommands.getex}: set a new TTL, or remove the TTL (`persist`). */
export interface GetExOptions {
  /** New TTL of the key. */
  readonly ttl?: Duration;
  /** Removes the key's TTL. */
  readonly persist?: boolean;
}

/** An end of a list, for `lmove`: `'left'` is the head (index 0), `'right'` the tail. */
export type ListEnd = 'left' | 'right';

/**
 * A bound of `zrangebylex`: `'-'` (below every member), `'+'` (above every member), or a member
 * (serialized like any member, so ordering is by its serialized bytes) included or `exclusive`.
 */
export type LexBound = '-' | '+' | { readonly value: unknown; readonly exclusive?: boolean };

/** `LIMIT offset count` of {@link SortedSetCommands.zrangebylex}. */
export interface ZRangeByLexOptions {
  readonly offset?: number;
  readonly count?: number;
}

/** Options of `hscan`: a glob on field names (`MATCH`) and the `COUNT` hint. */
export interface HashScanOptions {
  /** Only fields matching this Redis glob pattern. */
  readonly match?: string;
  /** `COUNT` hint per HSCAN call (default 250). */
  readonly count?: number;
}

/**
 * Options of `sscan` and `zscan`. No `MATCH`: members are serialized, so a glob over their stored
 * bytes would depend on the serializer; filter the yielded members instead.
 */
export interface MemberScanOptions {
  /** `COUNT` hint per call (default 250). */
  readonly count?: number;
}
