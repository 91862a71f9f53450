import type { CacheRepository } from './cache-repository.js';

/**
 * The repository commands a transaction can queue: every single-key and same-slot command of the
 * data structures. Not queueable: `scan` and `deletePattern` (they page through the keyspace), the
 * lock primitives (scripts of their own), pub/sub and server commands.
 */
export const TRANSACTION_COMMANDS = [
  'get',
  'set',
  'mget',
  'mset',
  'delete',
  'exists',
  'expire',
  'ttl',
  'persist',
  'incrby',
  'getdel',
  'getex',
  'incrbyfloat',
  'hset',
  'hget',
  'hgetall',
  'hdel',
  'hincrby',
  'hexists',
  'hkeys',
  'hlen',
  'hincrbyfloat',
  'lpush',
  'rpush',
  'lpop',
  'rpop',
  'lrange',
  'llen',
  'ltrim',
  'lmove',
  'sadd',
  'srem',
  'smembers',
  'sismember',
  'scard',
  'sinter',
  'sunion',
  'sdiff',
  'sinterstore',
  'sunionstore',
  'zadd',
  'zrange',
  'zrevrange',
  'zrangebyscore',
  'zrem',
  'zincrby',
  'zremrangebyrank',
  'zscore',
  'zcard',
  'zpopmin',
  'zpopmax',
  'zrank',
  'zrevrank',
  'zcount',
  'zrangebylex',
] as const satisfies ReadonlyArray<keyof CacheRepository>;

/** The name of a command a transaction can queue. */
export type TransactionCommandName = (typeof TRANSACTION_COMMANDS)[number];

/**
 * What the `build` callback of `transaction` receives: the repository's commands, with the same
 * prefixes, validation and serialization, but queued instead of sent. Each call returns a promise
 * of its typed result that settles once `EXEC` has run (await them after the transaction, or
 * return them from `build` to get them as the transaction's result).
 */
export type TransactionCommands = Pick<CacheRepository, TransactionCommandName>;

/**
 * The result of a transaction: the awaited array `build` returned (a tuple of the queued calls'
 * promises keeps its element types), or every queued call's result in order when `build` returned
 * nothing.
 */
export type TransactionResult<R> = R extends readonly unknown[]
  ? { -readonly [I in keyof R]: Awaited<R[I]> }
  : unknown[];

/** What the `body` of `watch` receives: the one transaction that the watched keys guard. */
export interface WatchScope {
  /**
   * Runs the queued commands with `MULTI`/`EXEC` on the connection that watches the keys. Rejects
   * with `TransactionConflictError` (and applies nothing) when a watched key changed since `WATCH`.
   * Can be called once per scope.
   */
  transaction<const R>(build: (tx: TransactionCommands) => R): Promise<TransactionResult<R>>;
}

/** Atomic groups of commands: `MULTI`/`EXEC`, optionally guarded by `WATCH`. */
export interface TransactionalCommands {
  /**
   * Queues the commands `build` calls on `tx` and runs them atomically with `MULTI`/`EXEC`:
   * nothing else runs on the server in between. Arguments are validated before anything is sent
   * (a bad one rejects the whole transaction); on Cluster every key must share a hash slot (else
   * `CrossSlotError`, before anything is sent). A command that fails inside `EXEC` (`WRONGTYPE`)
   * rejects the transaction with its error, but Redis has applied the others: it never rolls back.
   * Never retried: a lost reply leaves it unknown whether it ran.
   *
   * ```ts
   * const [removed, added] = await redis.transaction((tx) => [
   *   tx.zrem('orders:pending', orderId),
   *   tx.hset('orders:processing', orderId, { station: 'oven-1' }),
   * ]);
   * ```
   */
  transaction<const R>(build: (tx: TransactionCommands) => R): Promise<TransactionResult<R>>;
  /**
   * Optimistic check-and-set: `WATCH`es `keys` on a connection of its own, runs `body` (read the
   * keys with the repository, then call `scope.transaction`), and releases the connection. The
   * transaction rejects with `TransactionConflictError` when a watched key changed in between; a
   * loop around `watch` retries when that makes sense. On Cluster, the watched keys and the
   * transaction's keys must share a hash slot.
   */
  watch<T>(keys: readonly string[], body: (scope: WatchScope) => Promise<T>): Promise<T>;
}
