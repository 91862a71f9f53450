import type { KeyType, LeaseGrant, SemaphoreGrant, Unsubscribe, ZAddOptions } from './options.js';
import type { RawQueueLockCommands } from './queue-lock-primitives.js';
import type { RawStreamCommands } from './raw-stream-commands.js';
import type { Script } from './script.js';

/** A stored value as it travels to and from the backend: serialized text or bytes. */
export type RawValue = string | Uint8Array;

/**
 * A key as `scan` yields it: a string, or its bytes when they are not valid UTF-8 (a key another
 * client wrote), which no string could name. Only `unlink` takes such keys back.
 */
export type RawKey = string | Uint8Array;

/** A sorted-set member as stored, with its score. */
export type RawScored = readonly [member: RawValue, score: number];

/** Options of {@link RawCommands.set}, already validated. */
export interface RawSetOptions {
  readonly px?: number;
  readonly nx?: boolean;
  readonly xx?: boolean;
  readonly keepTtl?: boolean;
}

/** A bound of `ZRANGEBYLEX`, with the member already serialized. */
export type RawLexBound = '-' | '+' | { readonly value: RawValue; readonly exclusive: boolean };

/** `LIMIT offset count` of a score range. */
export interface RawLimit {
  readonly offset: number;
  readonly count: number;
}

/**
 * The backend seam: Redis commands over full keys (prefix included) and raw values, with Redis
 * semantics and nothing else. `BaseCacheRepository` adds validation, prefixes and serialization on
 * top, once for every backend; a backend (ioredis, node-redis, the in-memory fake) implements only
 * this, one group per Redis data type, each group in a file of its own.
 *
 * Implementations throw `CacheError`s: `WrongTypeError`, `CacheUnavailableError`, and so on.
 * Arguments are validated before they arrive here: counts are positive, lists are non-empty.
 * Whether a command may be sent twice (retried) is not the backend's guess: it reads
 * `isIdempotent(name, args)` of the command table (`@forno/core/backend`).
 */
export interface RawCommands
  extends RawStringCommands,
    RawHashCommands,
    RawListCommands,
    RawSetCommands,
    RawSortedSetCommands,
    RawLockCommands,
    RawQueueLockCommands,
    RawStreamCommands,
    RawServerCommands,
    RawTransactionCommands,
    RawScriptCommands {}

/** The name of a raw command: what a backend implements and the command table classifies. */
export type RawCommandName = keyof RawCommands;

/** Strings and the commands on any key (existence, expiry, deletion). */
export interface RawStringCommands {
  get(key: string): Promise<RawValue | null>;
  set(key: string, value: RawValue, options: RawSetOptions): Promise<boolean>;
  /** On Cluster, keys may span slots (split by slot client-side). */
  mget(keys: readonly string[]): Promise<(RawValue | null)[]>;
  /** Writes every entry; with `px`, each key gets that TTL. Need not be atomic across keys. */
  mset(entries: ReadonlyArray<readonly [string, RawValue]>, px: number | undefined): Promise<void>;
  /** `UNLINK`; on Cluster, keys may span slots. Takes the keys `scan` yields, bytes included. */
  unlink(keys: readonly RawKey[]): Promise<number>;
  exists(key: string): Promise<boolean>;
  pexpire(key: string, ms: number): Promise<boolean>;
  pttl(key: string): Promise<number>;
  persist(key: string): Promise<boolean>;
  incrby(key: string, increment: number): Promise<number>;
  getdel(key: string): Promise<RawValue | null>;
  /** `GETEX key PX px` with `px`, `GETEX key PERSIST` with `persist`. */
  getex(key: string, px: number | undefined, persist: boolean): Promise<RawValue | null>;
  incrbyfloat(key: string, increment: number): Promise<number>;
}

/** Hashes. */
export interface RawHashCommands {
  hset(key: string, entries: ReadonlyArray<readonly [string, RawValue]>): Promise<number>;
  hget(key: string, field: string): Promise<RawValue | null>;
  hgetall(key: string): Promise<ReadonlyArray<readonly [string, RawValue]>>;
  hdel(key: string, fields: readonly string[]): Promise<number>;
  hincrby(key: string, field: string, increment: number): Promise<number>;
  hexists(key: string, field: string): Promise<boolean>;
  hkeys(key: string): Promise<string[]>;
  hlen(key: string): Promise<number>;
  hincrbyfloat(key: string, field: string, increment: number): Promise<number>;
  /** `HSCAN` pages of `[field, value]` pairs. */
  hscan(key: string, match: string, count: number): AsyncIterable<ReadonlyArray<readonly [string, RawValue]>>;
  /** `HPEXPIRE key ms FIELDS n field...`: per field 1 (set), 0 (condition not met), -2 (no such field), 2 (expired at once). */
  hpexpire(key: string, fields: readonly string[], ms: number): Promise<number[]>;
  /** `HPTTL`: per field the remaining ms, -1 (no TTL) or -2 (no such field). */
  hpttl(key: string, fields: readonly string[]): Promise<number[]>;
  /** `HPEXPIRETIME`: per field the Unix time in ms, -1 (no TTL) or -2 (no such field). */
  hpexpiretime(key: string, fields: readonly string[]): Promise<number[]>;
  /** `HPERSIST`: per field 1 (TTL removed), -1 (no TTL) or -2 (no such field). */
  hpersist(key: string, fields: readonly string[]): Promise<number[]>;
}

/** Lists. */
export interface RawListCommands {
  lpush(key: string, values: readonly RawValue[]): Promise<number>;
  rpush(key: string, values: readonly RawValue[]): Promise<number>;
  lpop(key: string): Promise<RawValue | null>;
  rpop(key: string): Promise<RawValue | null>;
  lrange(key: string, start: number, stop: number): Promise<RawValue[]>;
  llen(key: string): Promise<number>;
  ltrim(key: string, start: number, stop: number): Promise<void>;
  /** On Cluster, throws `CrossSlotError` when the keys span slots. */
  lmove(
    source: string,
    destination: string,
    from: 'left' | 'right',
    to: 'left' | 'right',
  ): Promise<RawValue | null>;
}

/** Sets. */
export interface RawSetCommands {
  sadd(key: string, members: readonly RawValue[]): Promise<number>;
  srem(key: string, members: readonly RawValue[]): Promise<number>;
  smembers(key: string): Promise<RawValue[]>;
  sismember(key: string, member: RawValue): Promise<boolean>;
  scard(key: string): Promise<number>;
  /** On Cluster, keys may span slots (computed client-side). */
  sinter(keys: readonly string[]): Promise<RawValue[]>;
  sunion(keys: readonly string[]): Promise<RawValue[]>;
  sdiff(keys: readonly string[]): Promise<RawValue[]>;
  /** On Cluster, throws `CrossSlotError` when the keys span slots. */
  sinterstore(destination: string, keys: readonly string[]): Promise<number>;
  sunionstore(destination: string, keys: readonly string[]): Promise<number>;
  /** `SSCAN` pages of members. */
  sscan(key: string, count: number): AsyncIterable<readonly RawValue[]>;
}

/** Sorted sets. */
export interface RawSortedSetCommands {
  zadd(
    key: string,
    entries: ReadonlyArray<readonly [score: number, member: RawValue]>,
    options: ZAddOptions,
  ): Promise<number>;
  zrange(key: string, start: number, stop: number, rev: boolean): Promise<RawValue[]>;
  zrangeWithScores(key: string, start: number, stop: number, rev: boolean): Promise<RawScored[]>;
  /** Bounds are Redis strings: `'-inf'`, `'+inf'`, `'5'`, `'(5'`. */
  zrangebyscore(key: string, min: string, max: string, limit: RawLimit | undefined): Promise<RawValue[]>;
  zrangebyscoreWithScores(
    key: string,
    min: string,
    max: string,
    limit: RawLimit | undefined,
  ): Promise<RawScored[]>;
  zrem(key: string, members: readonly RawValue[]): Promise<number>;
  zincrby(key: string, increment: number, member: RawValue): Promise<number>;
  zremrangebyrank(key: string, start: number, stop: number): Promise<number>;
  zscore(key: string, member: RawValue): Promise<number | null>;
  zcard(key: string): Promise<number>;
  zpopmin(key: string, count: number): Promise<RawScored[]>;
  zpopmax(key: string, count: number): Promise<RawScored[]>;
  /** `ZRANK`, or `ZREVRANK` with `rev`. */
  zrank(key: string, member: RawValue, rev: boolean): Promise<number | null>;
  /** Bounds as for `zrangebyscore`. */
  zcount(key: string, min: string, max: string): Promise<number>;
  zrangebylex(
    key: string,
    min: RawLexBound,
    max: RawLexBound,
    limit: RawLimit | undefined,
  ): Promise<RawValue[]>;
  /** `ZSCAN` pages of members with scores. */
  zscan(key: string, count: number): AsyncIterable<readonly RawScored[]>;
}

/**
 * The lock primitives and pub/sub: atomic scripts on Redis, native code in the fake. What
 * `@forno/lock` builds locks and semaphores from.
 */
export interface RawLockCommands {
  /**
   * `SET key token NX PX ms`, plus `INCR fenceKey` in the same atomic step when `fenceKey` is given;
   * with `claimHandoff`, a key holding `HANDOFF_TOKEN` (or `HANDOFF_TOKEN:<waiter.id>`) counts as
   * free. With `waiter`, a refusal adds `waiter.id` to `waiter.waitersKey` (`ZADD NX`, server ms,
   * and a TTL of max(2 × px, `WAITERS_MIN_TTL_MS`)) and a grant removes it.
   */
  setIfAbsent(
    key: string,
    token: string,
    px: number,
    fenceKey: string | undefined,
    claimHandoff: boolean,
    waiter?: WaiterRegistration,
  ): Promise<LeaseGrant>;
  /**
   * Deletes `key` if it holds `token`; then, when `notice` is given: with `notice.handoffMs > 0`,
   * pops the registered waiters of `notice.waitersKey` oldest first (at most `MAX_WAITERS_TOLD`)
   * and publishes the key on the first one's own channel (`<channel>:<id>`) that has a subscriber,
   * setting `key` to `HANDOFF_TOKEN:<id>` for `handoffMs`; when none heard, publishes the key on
   * `notice.channel`, and when that reached a subscriber and `notice.handoffMs > 0`, sets `key`
   * to `HANDOFF_TOKEN` for that long.
   */
  compareAndDelete(key: string, token: string, notice: ReleaseNotice | undefined): Promise<boolean>;
  compareAndExpire(key: string, token: string, px: number): Promise<boolean>;
  /**
   * Prunes expired leases, then adds `token` scored by server time + `px` if below `limit`; with
   * `claimHandoff`, in place of a handoff reservation if any: the one named for `waiter.id`
   * (`semaphoreReservationOf`), else one for every waiter (`HANDOFF_TOKEN:<token>`), never one
   * named for another waiter. With `waiter`, registers and unregisters it as `setIfAbsent` does.
   */
  acquireSemaphore(
    key: string,
    token: string,
    limit: number,
    px: number,
    claimHandoff: boolean,
    waiter?: WaiterRegistration,
  ): Promise<SemaphoreGrant>;
  /**
   * Removes `token` if its lease is live; then, when `notice` is given: with `notice.handoffMs > 0`,
   * tells the registered waiters of `notice.waitersKey` as `compareAndDelete` does, and adds the
   * member `semaphoreReservationOf(id)` for the one that heard, scored server time + `handoffMs`;
   * when none heard, publishes the key on `notice.channel`, and when that reached a subscriber and
   * `notice.handoffMs > 0`, adds the member `HANDOFF_TOKEN:<token>` scored the same way.
   */
  releaseSemaphore(key: string, token: string, notice: ReleaseNotice | undefined): Promise<boolean>;
  extendSemaphore(key: string, token: string, px: number): Promise<boolean>;

  publish(channel: string, message: string): Promise<number>;
  /** `sharded`: `SSUBSCRIBE` on Cluster (a backend without sharded pub/sub subscribes normally). */
  subscribe(channel: string, listener: (message: string) => void, sharded: boolean): Promise<Unsubscribe>;
}

/** A release announcement, as the raw lock commands get it (full channel name). */
export interface ReleaseNotice {
  readonly channel: string;
  /** Publish with `SPUBLISH` on Cluster (the channel is in the key's hash slot). */
  readonly sharded: boolean;
  /** Reserve the key for this many ms when the notice reached a subscriber; `0` for no handoff. */
  readonly handoffMs: number;
  /**
   * The lock's (or semaphore's) set of registered waiters (full key, see `waitersKeyOf`), served
   * first by a handoff; only `compareAndDelete` and `releaseSemaphore` read it (the key itself
   * stands in when absent).
   */
  readonly waitersKey?: string;
}

/** A waiting process to register on a refusal (see `SetIfAbsentOptions.waiter`). */
export interface WaiterRegistration {
  /** The waiter's id. */
  readonly id: string;
  /** The lock's set of registered waiters (full key, see `waitersKeyOf`). */
  readonly waitersKey: string;
}

/** Commands over the whole keyspace or server: `SCAN` over every primary, `PING`, `FLUSHDB`. */
export interface RawServerCommands {
  /** `SCAN` over every primary, yielding batches of full keys (see {@link RawKey}). */
  scan(match: string, count: number, type: KeyType | undefined): AsyncIterable<readonly RawKey[]>;
  ping(): Promise<void>;
  flushdb(): Promise<void>;
}

/** One raw command a transaction queued: the method of {@link RawCommands} and its arguments. */
export interface RawCall {
  readonly name: RawCommandName;
  readonly args: readonly unknown[];
}

/** A connection that `WATCH`es keys, handed back to {@link RawTransactionCommands.exec}. */
export interface RawWatch {
  /** The full keys it watches. */
  readonly keys: readonly string[];
  /** Forgets the watch and releases the connection (never rejects). */
  release(): Promise<void>;
}

/**
 * `MULTI`/`EXEC` and `WATCH`. A backend runs the queued raw calls with its own raw command
 * implementations, so each call's reply is read exactly as outside a transaction.
 */
export interface RawTransactionCommands {
  /**
   * Runs `calls` atomically (on `watched`'s connection when given). `keys` are every full key the
   * calls touch: on Cluster they (and the watched keys) must share one slot, else `CrossSlotError`
   * before anything is sent. Resolves with each call's outcome in order (a command can fail inside
   * `EXEC` while the others apply), or `null` when a watched key changed and nothing ran.
   */
  exec(
    calls: readonly RawCall[],
    keys: readonly string[],
    watched: RawWatch | undefined,
  ): Promise<PromiseSettledResult<unknown>[] | null>;
  /** `WATCH`es `keys` (full keys; one slot on Cluster) on a connection of its own. */
  watch(keys: readonly string[]): Promise<RawWatch>;
}

/**
 * A script's reply as Redis converts the Lua value: an integer, a string (bulk or status reply;
 * bytes when read for a binary serializer), `null` (Lua `false` or `nil`), or an array of those.
 */
export type RawScriptReply = number | RawValue | null | RawScriptReply[];

/** Scripts made by `defineScript`. */
export interface RawScriptCommands {
  /**
   * `EVALSHA script.sha`, then `EVAL script.source` when the server answers `NOSCRIPT`, with
   * `keys` (full keys; one hash slot on Cluster, else `CrossSlotError` before anything is sent;
   * routed by the first) and `args`. Strings of the reply are read as bytes when the backend reads
   * values as bytes and `script.reply` is `'value'`. An error reply rejects as outside a script
   * (`CommandError`, `WrongTypeError`...): the repository turns it into `ScriptError`.
   */
  evalScript(script: Script, keys: readonly string[], args: readonly RawValue[]): Promise<RawScriptReply>;
}
