import { type Duration, parseDuration, parseTtl } from '../duration.js';
import {
  ForbiddenOperationError,
  InvalidArgumentError,
  SerializationError,
  toSerializationError,
} from '../errors.js';
import { escapeGlob } from '../glob.js';
import type { ConnectionStatus } from '../instrumentation.js';
import { assertKey, fenceKeyOf, queueLockKeysOf } from '../keys.js';
import type { Serializer } from '../serializer.js';
import {
  assertFinite,
  assertInteger,
  assertIntegerAtLeast,
  assertNonEmptyString,
  assertNotEmpty,
  assertOptions,
  assertSafeField,
  assertScore,
  assertWellFormed,
  formatScoreBound,
  recordFromPairs,
} from '../validation.js';
import type { CacheRepository } from './cache-repository.js';
import type { EntriesInput } from './key-value-commands.js';
import type {
  CompareAndDeleteOptions,
  GetExOptions,
  HashScanOptions,
  LeaseGrant,
  LexBound,
  ListEnd,
  MemberScanOptions,
  MsetOptions,
  ScanOptions,
  ScoreBound,
  ScoredMember,
  SemaphoreGrant,
  SetIfAbsentOptions,
  SetOptions,
  SubscribeOptions,
  Unsubscribe,
  ZAddOptions,
  ZRangeByLexOptions,
  ZRangeByScoreOptions,
  ZRangeOptions,
} from './options.js';
import type { QueueGrant } from './queue-lock-primitives.js';
import type {
  RawCommands,
  RawLexBound,
  RawLimit,
  RawScored,
  RawSetOptions,
  RawValue,
  ReleaseNotice,
} from './raw-commands.js';
import type { Script } from './script.js';
import { runScript, type ScriptCodec } from './script-runner.js';
import type {
  AutoClaimResult,
  PendingEntry,
  PendingSummary,
  StreamEntry,
  StreamTrimOptions,
  XAddOptions,
  XAutoClaimOptions,
  XGroupCreateOptions,
  XPendingOptions,
  XRangeOptions,
  XReadGroupOptions,
  XReadOptions,
} from './stream-commands.js';
import { StreamRepository } from './stream-repository.js';
import type { TransactionCommands, TransactionResult, WatchScope } from './transaction-commands.js';
import { runTransaction, runWatched, type TransactionHost } from './transaction-runner.js';

/** Options every repository built on {@link BaseCacheRepository} accepts. */
export interface BaseCacheRepositoryOptions {
  /** Prepended to every key and channel. Isolates apps and tenants sharing one database. */
  readonly keyPrefix?: string;
  /** Serializer for values. */
  readonly serializer: Serializer;
  /** Allows `flushdb()`. Off by default so a stray call cannot wipe a shared database. */
  readonly allowFlush?: boolean;
}

const SET_OPTIONS = { ttl: 'duration', nx: 'boolean', xx: 'boolean', keepTtl: 'boolean' } as const;
const SCAN_OPTIONS = { count: 'number', type: 'string' } as const;
const ZADD_OPTIONS = { nx: 'boolean', xx: 'boolean', gt: 'boolean', lt: 'boolean', ch: 'boolean' } as const;
const ZRANGE_OPTIONS = { rev: 'boolean', withScores: 'boolean' } as const;
const ZRANGEBYSCORE_OPTIONS = { withScores: 'boolean', offset: 'number', count: 'number' } as const;
const GETEX_OPTIONS = { ttl: 'duration', persist: 'boolean' } as const;
const HSCAN_OPTIONS = { match: 'string', count: 'number' } as const;
const MEMBER_SCAN_OPTIONS = { count: 'number' } as const;
const LIMIT_OPTIONS = { offset: 'number', count: 'number' } as const;
const LIST_ENDS = new Set(['left', 'right']);
const KEY_TYPES = new Set(['string', 'hash', 'list', 'set', 'zset', 'stream']);
const NO_SET_OPTIONS: RawSetOptions = Object.freeze({});
const DEFAULT_SCAN_COUNT = 250;
/** `deletePattern` walks the whole keyspace; a larger COUNT means fewer sequential SCAN round trips. */
const DEFAULT_DELETE_SCAN_COUNT = 1_000;
/** How many UNLINK batches `deletePattern` keeps in flight while it goes on scanning. */
const UNLINKS_IN_FLIGHT = 8;

/**
 * (This file is long on purpose: it is the single place where every command's validation, key
 * prefix, serialization and result shaping is written, one short method per Redis command, so
 * that no backend has to write any of it again.)
 *
 * The one implementation of {@link CacheRepository} semantics: argument validation, key
 * prefixes, serialization and result shaping, written once over a {@link RawCommands} backend.
 * `RedisRepository` and `InMemoryCacheRepository` extend it and add only connection handling, so
 * the two cannot drift apart.
 */
export abstract class BaseCacheRepository implements CacheRepository {
  /** Prefix prepended to every key and channel. */
  readonly keyPrefix: string;
  /** Serializer used for values. */
  readonly serializer: Serializer;
  readonly #raw: RawCommands;
  readonly #allowFlush: boolean;
  readonly #prefixPattern: string;
  readonly #streams: StreamRepository;

  protected constructor(raw: RawCommands, options: BaseCacheRepositoryOptions) {
    this.#raw = raw;
    this.#streams = new StreamRepository(raw, {
      key: (key) => this.#key(key),
      fields: (fields, key) =>
        this.#encodeEntries(
          fields,
          'fields',
          (field) => this.#field(field),
          key,
          (field, value) => assertSafeField(field, value, 'fields'),
        ),
      decode: (value, key) => this.#decode(value, key),
    });
    this.keyPrefix = options.keyPrefix ?? '';
    this.serializer = options.serializer;
    this.#allowFlush = options.allowFlush ?? false;
    this.#prefixPattern = escapeGlob(this.keyPrefix);
  }

  /** Current connection state. */
  abstract get status(): ConnectionStatus;
  /** Opens the connection(s). */
  abstract connect(): Promise<void>;
  /** Closes the connection(s). */
  abstract disconnect(): Promise<void>;

  /** Disconnects, so `await using repo = ...` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  // --- strings and keys -------------------------------------------------------------------------

  // `get` and `set` are the hot path: plain functions that return the backend's promise (chained
  // once for `get`), not `async` ones, which would wrap it in one more promise; a bad argument
  // still rejects (never throws), before anything is sent.

  get<T = unknown>(key: string): Promise<T | null> {
    let reply: Promise<RawValue | null>;
    try {
      reply = this.#raw.get(this.#key(key));
    } catch (error) {
      return Promise.reject(error);
    }
    return reply.then((value) => (value === null ? null : (this.#decode(value, key) as T)));
  }

  set(key: string, value: unknown, options?: SetOptions): Promise<boolean> {
    try {
      const fullKey = this.#key(key);
      const rawOptions = options === undefined ? NO_SET_OPTIONS : this.#setOptions(options);
      return this.#raw.set(fullKey, this.#encode(value, key), rawOptions);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async mget<T = unknown>(keys: readonly string[]): Promise<(T | null)[]> {
    this.#assertArray(keys, 'keys');
    if (keys.length === 0) return [];
    const values = await this.#raw.mget(keys.map((key) => this.#key(key, 'keys[]')));
    return values.map((value, i) => (value === null ? null : (this.#decode(value, keys[i]) as T)));
  }

  async mset(entries: EntriesInput, options?: MsetOptions): Promise<void> {
    assertOptions(options, { ttl: 'duration' });
    const px = options?.ttl === undefined ? undefined : parseTtl(options.ttl, 'options.ttl');
    const pairs = this.#encodeEntries(entries, 'entries', (key) => this.#key(key, 'entries key'));
    if (pairs.length > 0) await this.#raw.mset(pairs, px);
  }

  delete(...keys: string[]): Promise<number>;
  delete(keys: readonly string[]): Promise<number>;
  async delete(...args: Array<string | readonly string[]>): Promise<number> {
    const keys =
      args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly string[]) : (args as string[]);
    if (keys.length === 0) return 0;
    return this.#raw.unlink(keys.map((key) => this.#key(key, 'keys[]')));
  }

  async deletePattern(pattern: string, options?: ScanOptions): Promise<number> {
    const { match, count, type } = this.#scanArguments(pattern, options, DEFAULT_DELETE_SCAN_COUNT);
    let deleted = 0;
    const inFlight = new Set<Promise<void>>();
    for await (const batch of this.#raw.scan(match, count, type)) {
      if (batch.length === 0) continue;
      const unlink = this.#raw.unlink(batch).then((n) => {
        deleted += n;
        inFlight.delete(unlink);
      });
      // Awaited below (race or all); if the SCAN fails first, a later failure of this UNLINK must
      // not become an unhandled rejection.
      unlink.catch(() => {});
      inFlight.add(unlink);
      if (inFlight.size >= UNLINKS_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return deleted;
  }

  async *scan(pattern = '*', options?: ScanOptions): AsyncGenerator<string, void, undefined> {
    const { match, count, type } = this.#scanArguments(pattern, options);
    const prefixLength = this.keyPrefix.length;
    for await (const batch of this.#raw.scan(match, count, type)) {
      // A key that is not valid UTF-8 (written by another client) cannot be named by a string: no
      // other operation could use it, so it is not yielded. `deletePattern` still deletes it.
      for (const key of batch) if (typeof key === 'string') yield key.slice(prefixLength);
    }
  }

  async exists(key: string): Promise<boolean> {
    return this.#raw.exists(this.#key(key));
  }

  async expire(key: string, ttl: Duration): Promise<boolean> {
    const fullKey = this.#key(key);
    return this.#raw.pexpire(fullKey, parseTtl(ttl));
  }

  async ttl(key: string): Promise<number> {
    return this.#raw.pttl(this.#key(key));
  }

  async persist(key: string): Promise<boolean> {
    return this.#raw.persist(this.#key(key));
  }

  async incrby(key: string, increment = 1): Promise<number> {
    const fullKey = this.#key(key);
    assertInteger(increment, 'increment');
    return this.#raw.incrby(fullKey, increment);
  }

  async getdel<T = unknown>(key: string): Promise<T | null> {
    return this.#decodeOrNull<T>(await this.#raw.getdel(this.#key(key)), key);
  }

  async getex<T = unknown>(key: string, options: GetExOptions): Promise<T | null> {
    const fullKey = this.#key(key);
    assertOptions(options, GETEX_OPTIONS);
    const persist = options?.persist === true;
    if ((options?.ttl === undefined) === !persist) {
      throw new InvalidArgumentError('options', 'expected exactly one of ttl and persist: true');
    }
    const px = options.ttl === undefined ? undefined : parseTtl(options.ttl, 'options.ttl');
    return this.#decodeOrNull<T>(await this.#raw.getex(fullKey, px, persist), key);
  }

  async incrbyfloat(key: string, increment: number): Promise<number> {
    const fullKey = this.#key(key);
    assertFinite(increment, 'increment');
    return this.#raw.incrbyfloat(fullKey, increment);
  }

  // --- hashes -----------------------------------------------------------------------------------

  hset(key: string, fields: EntriesInput): Promise<number>;
  hset(key: string, field: string, value: unknown): Promise<number>;
  async hset(key: string, fieldsOrField: EntriesInput | string, value?: unknown): Promise<number> {
    const fullKey = this.#key(key);
    const entries: EntriesInput =
      typeof fieldsOrField === 'string' ? [[fieldsOrField, value]] : fieldsOrField;
    const pairs = this.#encodeEntries(
      entries,
      'fields',
      (field) => this.#field(field),
      key,
      (field, value) => assertSafeField(field, value, 'fields'),
    );
    assertNotEmpty(pairs, 'fields');
    return this.#raw.hset(fullKey, pairs);
  }

  async hget<T = unknown>(key: string, field: string): Promise<T | null> {
    const value = await this.#raw.hget(this.#key(key), this.#field(field));
    return value === null ? null : (this.#decode(value, key) as T);
  }

  async hgetall<T = unknown>(key: string): Promise<Record<string, T>> {
    const pairs = await this.#raw.hgetall(this.#key(key));
    try {
      return recordFromPairs(pairs.map(([field, value]) => [field, this.#decode(value, key) as T] as const));
    } catch (error) {
      throw toSerializationError(error, 'cannot read hash', key);
    }
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    const fullKey = this.#key(key);
    assertNotEmpty(fields, 'fields');
    return this.#raw.hdel(
      fullKey,
      fields.map((field) => this.#field(field)),
    );
  }

  async hincrby(key: string, field: string, increment: number): Promise<number> {
    const fullKey = this.#key(key);
    assertInteger(increment, 'increment');
    assertSafeField(this.#field(field), increment, 'field');
    return this.#raw.hincrby(fullKey, field, increment);
  }

  async hexists(key: string, field: string): Promise<boolean> {
    return this.#raw.hexists(this.#key(key), this.#field(field));
  }

  async hkeys(key: string): Promise<string[]> {
    return this.#raw.hkeys(this.#key(key));
  }

  async hlen(key: string): Promise<number> {
    return this.#raw.hlen(this.#key(key));
  }

  async hincrbyfloat(key: string, field: string, increment: number): Promise<number> {
    const fullKey = this.#key(key);
    assertFinite(increment, 'increment');
    return this.#raw.hincrbyfloat(fullKey, this.#field(field), increment);
  }

  async *hscan<T = unknown>(
    key: string,
    options?: HashScanOptions,
  ): AsyncGenerator<[string, T], void, undefined> {
    const fullKey = this.#key(key);
    assertOptions(options, HSCAN_OPTIONS);
    const match = options?.match ?? '*';
    assertNonEmptyString(match, 'options.match');
    for await (const page of this.#raw.hscan(fullKey, match, this.#scanCount(options))) {
      for (const [field, value] of page) yield [field, this.#decode(value, key) as T];
    }
  }

  // --- lists ------------------------------------------------------------------------------------

  async lpush(key: string, ...values: unknown[]): Promise<number> {
    return this.#raw.lpush(this.#key(key), this.#encodeList(values, key));
  }

  async rpush(key: string, ...values: unknown[]): Promise<number> {
    return this.#raw.rpush(this.#key(key), this.#encodeList(values, key));
  }

  async lpop<T = unknown>(key: string): Promise<T | null> {
    return this.#decodeOrNull<T>(await this.#raw.lpop(this.#key(key)), key);
  }

  async rpop<T = unknown>(key: string): Promise<T | null> {
    return this.#decodeOrNull<T>(await this.#raw.rpop(this.#key(key)), key);
  }

  async lrange<T = unknown>(key: string, start: number, stop: number): Promise<T[]> {
    const fullKey = this.#key(key);
    this.#assertRange(start, stop);
    return this.#decodeAll<T>(await this.#raw.lrange(fullKey, start, stop), key);
  }

  async llen(key: string): Promise<number> {
    return this.#raw.llen(this.#key(key));
  }

  async ltrim(key: string, start: number, stop: number): Promise<void> {
    const fullKey = this.#key(key);
    this.#assertRange(start, stop);
    await this.#raw.ltrim(fullKey, start, stop);
  }

  async lmove<T = unknown>(
    source: string,
    destination: string,
    from: ListEnd,
    to: ListEnd,
  ): Promise<T | null> {
    const fullSource = this.#key(source, 'source');
    const fullDestination = this.#key(destination, 'destination');
    for (const [end, argument] of [
      [from, 'from'],
      [to, 'to'],
    ] as const) {
      if (!LIST_ENDS.has(end)) throw new InvalidArgumentError(argument, "expected 'left' or 'right'");
    }
    return this.#decodeOrNull<T>(await this.#raw.lmove(fullSource, fullDestination, from, to), source);
  }

  // --- sets -------------------------------------------------------------------------------------

  async sadd(key: string, ...members: unknown[]): Promise<number> {
    return this.#raw.sadd(this.#key(key), this.#encodeList(members, key, 'members'));
  }

  async srem(key: string, ...members: unknown[]): Promise<number> {
    return this.#raw.srem(this.#key(key), this.#encodeList(members, key, 'members'));
  }

  async smembers<T = unknown>(key: string): Promise<T[]> {
    return this.#decodeAll<T>(await this.#raw.smembers(this.#key(key)), key);
  }

  async sismember(key: string, member: unknown): Promise<boolean> {
    return this.#raw.sismember(this.#key(key), this.#encode(member, key));
  }

  async scard(key: string): Promise<number> {
    return this.#raw.scard(this.#key(key));
  }

  async sinter<T = unknown>(keys: readonly string[]): Promise<T[]> {
    return this.#decodeAll<T>(await this.#raw.sinter(this.#keys(keys)), keys[0]);
  }

  async sunion<T = unknown>(keys: readonly string[]): Promise<T[]> {
    return this.#decodeAll<T>(await this.#raw.sunion(this.#keys(keys)), keys[0]);
  }

  async sdiff<T = unknown>(keys: readonly string[]): Promise<T[]> {
    return this.#decodeAll<T>(await this.#raw.sdiff(this.#keys(keys)), keys[0]);
  }

  async sinterstore(destination: string, keys: readonly string[]): Promise<number> {
    const fullDestination = this.#key(destination, 'destination');
    return this.#raw.sinterstore(fullDestination, this.#keys(keys));
  }

  async sunionstore(destination: string, keys: readonly string[]): Promise<number> {
    const fullDestination = this.#key(destination, 'destination');
    return this.#raw.sunionstore(fullDestination, this.#keys(keys));
  }

  async *sscan<T = unknown>(key: string, options?: MemberScanOptions): AsyncGenerator<T, void, undefined> {
    const fullKey = this.#key(key);
    assertOptions(options, MEMBER_SCAN_OPTIONS);
    for await (const page of this.#raw.sscan(fullKey, this.#scanCount(options))) {
      for (const member of page) yield this.#decode(member, key) as T;
    }
  }

  // --- sorted sets ------------------------------------------------------------------------------

  async zadd(
    key: string,
    entries: ScoredMember | readonly ScoredMember[],
    options?: ZAddOptions,
  ): Promise<number> {
    const fullKey = this.#key(key);
    assertOptions(options, ZADD_OPTIONS);
    if (options?.nx && (options.xx || options.gt || options.lt)) {
      throw new InvalidArgumentError('options', 'nx cannot be combined with xx, gt or lt');
    }
    if (options?.gt && options.lt) throw new InvalidArgumentError('options', 'gt and lt are exclusive');
    const list: readonly ScoredMember[] = Array.isArray(entries) ? entries : [entries as ScoredMember];
    assertNotEmpty(list, 'entries');
    const encoded = list.map((entry, i) => {
      if (entry === null || typeof entry !== 'object') {
        throw new InvalidArgumentError(`entries[${i}]`, 'expected { member, score }');
      }
      assertScore(entry.score, `entries[${i}].score`);
      return [entry.score, this.#encode(entry.member, key)] as const;
    });
    return this.#raw.zadd(fullKey, encoded, options ?? {});
  }

  zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: ZRangeOptions & { withScores?: false },
  ): Promise<T[]>;
  zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options: ZRangeOptions & { withScores: true },
  ): Promise<ScoredMember<T>[]>;
  async zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: ZRangeOptions,
  ): Promise<T[] | ScoredMember<T>[]> {
    const fullKey = this.#key(key);
    this.#assertRange(start, stop);
    assertOptions(options, ZRANGE_OPTIONS);
    const rev = options?.rev ?? false;
    if (options?.withScores) {
      return this.#decodeScored<T>(await this.#raw.zrangeWithScores(fullKey, start, stop, rev), key);
    }
    return this.#decodeAll<T>(await this.#raw.zrange(fullKey, start, stop, rev), key);
  }

  zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: { withScores?: false },
  ): Promise<T[]>;
  zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options: { withScores: true },
  ): Promise<ScoredMember<T>[]>;
  async zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: { withScores?: boolean },
  ): Promise<T[] | ScoredMember<T>[]> {
    assertOptions(options, { withScores: 'boolean' });
    return options?.withScores
      ? this.zrange<T>(key, start, stop, { rev: true, withScores: true })
      : this.zrange<T>(key, start, stop, { rev: true });
  }

  zrangebyscore<T = unknown>(
    key: string,
    min: ScoreBound,
    max: ScoreBound,
    options?: ZRangeByScoreOptions & { withScores?: false },
  ): Promise<T[]>;
  zrangebyscore<T = unknown>(
    key: string,
    min: ScoreBound,
    max: ScoreBound,
    options: ZRangeByScoreOptions & { withScores: true },
  ): Promise<ScoredMember<T>[]>;
  async zrangebyscore<T = unknown>(
    key: string,
    min: ScoreBound,
    max: ScoreBound,
    options?: ZRangeByScoreOptions,
  ): Promise<T[] | ScoredMember<T>[]> {
    const fullKey = this.#key(key);
    const minArg = formatScoreBound(min, 'min');
    const maxArg = formatScoreBound(max, 'max');
    assertOptions(options, ZRANGEBYSCORE_OPTIONS);
    const limit = this.#limit(options);
    if (options?.withScores) {
      return this.#decodeScored<T>(
        await this.#raw.zrangebyscoreWithScores(fullKey, minArg, maxArg, limit),
        key,
      );
    }
    return this.#decodeAll<T>(await this.#raw.zrangebyscore(fullKey, minArg, maxArg, limit), key);
  }

  async zrem(key: string, ...members: unknown[]): Promise<number> {
    return this.#raw.zrem(this.#key(key), this.#encodeList(members, key, 'members'));
  }

  async zincrby(key: string, increment: number, member: unknown): Promise<number> {
    const fullKey = this.#key(key);
    assertScore(increment, 'increment');
    return this.#raw.zincrby(fullKey, increment, this.#encode(member, key));
  }

  async zremrangebyrank(key: string, start: number, stop: number): Promise<number> {
    const fullKey = this.#key(key);
    this.#assertRange(start, stop);
    return this.#raw.zremrangebyrank(fullKey, start, stop);
  }

  async zscore(key: string, member: unknown): Promise<number | null> {
    return this.#raw.zscore(this.#key(key), this.#encode(member, key));
  }

  async zcard(key: string): Promise<number> {
    return this.#raw.zcard(this.#key(key));
  }

  async zpopmin<T = unknown>(key: string, count = 1): Promise<ScoredMember<T>[]> {
    const fullKey = this.#key(key);
    assertIntegerAtLeast(count, 1, 'count');
    return this.#decodeScored<T>(await this.#raw.zpopmin(fullKey, count), key);
  }

  async zpopmax<T = unknown>(key: string, count = 1): Promise<ScoredMember<T>[]> {
    const fullKey = this.#key(key);
    assertIntegerAtLeast(count, 1, 'count');
    return this.#decodeScored<T>(await this.#raw.zpopmax(fullKey, count), key);
  }

  async zrank(key: string, member: unknown): Promise<number | null> {
    return this.#raw.zrank(this.#key(key), this.#encode(member, key), false);
  }

  async zrevrank(key: string, member: unknown): Promise<number | null> {
    return this.#raw.zrank(this.#key(key), this.#encode(member, key), true);
  }

  async zcount(key: string, min: ScoreBound, max: ScoreBound): Promise<number> {
    const fullKey = this.#key(key);
    return this.#raw.zcount(fullKey, formatScoreBound(min, 'min'), formatScoreBound(max, 'max'));
  }

  async zrangebylex<T = unknown>(
    key: string,
    min: LexBound,
    max: LexBound,
    options?: ZRangeByLexOptions,
  ): Promise<T[]> {
    const fullKey = this.#key(key);
    const minArg = this.#lexBound(min, 'min', key);
    const maxArg = this.#lexBound(max, 'max', key);
    assertOptions(options, LIMIT_OPTIONS);
    const limit = this.#limit(options);
    return this.#decodeAll<T>(await this.#raw.zrangebylex(fullKey, minArg, maxArg, limit), key);
  }

  async *zscan<T = unknown>(
    key: string,
    options?: MemberScanOptions,
  ): AsyncGenerator<ScoredMember<T>, void, undefined> {
    const fullKey = this.#key(key);
    assertOptions(options, MEMBER_SCAN_OPTIONS);
    for await (const page of this.#raw.zscan(fullKey, this.#scanCount(options))) {
      yield* this.#decodeScored<T>(page, key);
    }
  }

  // --- streams (implemented in stream-repository.ts) --------------------------------------------

  xadd(key: string, fields: EntriesInput, options?: XAddOptions): Promise<string | null> {
    return this.#streams.xadd(key, fields, options);
  }

  xlen(key: string): Promise<number> {
    return this.#streams.xlen(key);
  }

  xrange<T = Record<string, unknown>>(
    key: string,
    start?: string,
    end?: string,
    options?: XRangeOptions,
  ): Promise<StreamEntry<T>[]> {
    return this.#streams.xrange<T>(key, start, end, options);
  }

  xrevrange<T = Record<string, unknown>>(
    key: string,
    end?: string,
    start?: string,
    options?: XRangeOptions,
  ): Promise<StreamEntry<T>[]> {
    return this.#streams.xrevrange<T>(key, end, start, options);
  }

  xdel(key: string, ...ids: string[]): Promise<number> {
    return this.#streams.xdel(key, ...ids);
  }

  xtrim(key: string, options: StreamTrimOptions): Promise<number> {
    return this.#streams.xtrim(key, options);
  }

  xread<T = Record<string, unknown>>(
    key: string,
    id: string,
    options?: XReadOptions,
  ): Promise<StreamEntry<T>[]> {
    return this.#streams.xread<T>(key, id, options);
  }

  xgroupCreate(key: string, group: string, id?: string, options?: XGroupCreateOptions): Promise<boolean> {
    return this.#streams.xgroupCreate(key, group, id, options);
  }

  xreadgroup<T = Record<string, unknown>>(
    key: string,
    group: string,
    consumer: string,
    options?: XReadGroupOptions,
  ): Promise<StreamEntry<T>[]> {
    return this.#streams.xreadgroup<T>(key, group, consumer, options);
  }

  xack(key: string, group: string, ...ids: string[]): Promise<number> {
    return this.#streams.xack(key, group, ...ids);
  }

  xpending(key: string, group: string): Promise<PendingSummary>;
  xpending(key: string, group: string, options: XPendingOptions): Promise<PendingEntry[]>;
  xpending(key: string, group: string, options?: XPendingOptions): Promise<PendingSummary | PendingEntry[]> {
    return options === undefined
      ? this.#streams.xpending(key, group)
      : this.#streams.xpending(key, group, options);
  }

  xautoclaim<T = Record<string, unknown>>(
    key: string,
    group: string,
    consumer: string,
    minIdle: Duration,
    options?: XAutoClaimOptions,
  ): Promise<AutoClaimResult<T>> {
    return this.#streams.xautoclaim<T>(key, group, consumer, minIdle, options);
  }

  // --- lock primitives and pub/sub --------------------------------------------------------------

  async setIfAbsent(
    key: string,
    token: string,
    ttl: Duration,
    options?: SetIfAbsentOptions,
  ): Promise<LeaseGrant> {
    const fullKey = this.#key(key);
    assertNonEmptyString(token, 'token');
    const px = parseTtl(ttl);
    assertOptions(options, { fencing: 'boolean', claimHandoff: 'boolean' });
    return this.#raw.setIfAbsent(
      fullKey,
      token,
      px,
      options?.fencing ? fenceKeyOf(fullKey, this.keyPrefix) : undefined,
      options?.claimHandoff === true,
    );
  }

  async compareAndDelete(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const fullKey = this.#key(key);
    assertNonEmptyString(token, 'token');
    return this.#raw.compareAndDelete(fullKey, token, this.#releaseNotice(options));
  }

  async compareAndExpire(key: string, token: string, ttl: Duration): Promise<boolean> {
    const fullKey = this.#key(key);
    assertNonEmptyString(token, 'token');
    return this.#raw.compareAndExpire(fullKey, token, parseTtl(ttl));
  }

  async publish(channel: string, message: string): Promise<number> {
    const fullChannel = this.#channel(channel);
    if (typeof message !== 'string') throw new InvalidArgumentError('message', 'expected a string');
    assertWellFormed(message, 'message');
    return this.#raw.publish(fullChannel, message);
  }

  async subscribe(
    channel: string,
    listener: (message: string) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    const fullChannel = this.#channel(channel);
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    assertOptions(options, { sharded: 'boolean' });
    return this.#raw.subscribe(fullChannel, listener, options?.sharded === true);
  }

  async acquireSemaphore(key: string, token: string, limit: number, ttl: Duration): Promise<SemaphoreGrant> {
    const fullKey = this.#key(key);
    assertNonEmptyString(token, 'token');
    assertIntegerAtLeast(limit, 1, 'limit');
    return this.#raw.acquireSemaphore(fullKey, token, limit, parseTtl(ttl));
  }

  async releaseSemaphore(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const fullKey = this.#key(key);
    assertNonEmptyString(token, 'token');
    return this.#raw.releaseSemaphore(fullKey, token, this.#releaseNotice(options));
  }

  async extendSemaphore(key: string, token: string, ttl: Duration): Promise<boolean> {
    const fullKey = this.#key(key);
    assertNonEmptyString(token, 'token');
    return this.#raw.extendSemaphore(fullKey, token, parseTtl(ttl));
  }

  // --- transactions -----------------------------------------------------------------------------

  async transaction<const R>(build: (tx: TransactionCommands) => R): Promise<TransactionResult<R>> {
    return runTransaction(this.#transactionHost(), build, undefined);
  }

  async watch<T>(keys: readonly string[], body: (scope: WatchScope) => Promise<T>): Promise<T> {
    const fullKeys = this.#keys(keys);
    if (typeof body !== 'function') throw new InvalidArgumentError('body', 'expected a function');
    return runWatched(this.#transactionHost(), await this.#raw.watch(fullKeys), body);
  }

  #transactionHost(): TransactionHost {
    const options = { keyPrefix: this.keyPrefix, serializer: this.serializer };
    return { raw: this.#raw, queued: (raw) => new QueuedCacheRepository(raw, options) };
  }

  // --- scripts ----------------------------------------------------------------------------------

  runScript<T = unknown>(
    script: Script,
    keys?: Readonly<Record<string, string>>,
    args?: Readonly<Record<string, unknown>>,
  ): Promise<T> {
    const codec: ScriptCodec = {
      key: (key, argument) => this.#key(key, argument),
      encode: (value) => this.#encode(value, undefined),
      decode: (value) => this.#decode(value, undefined),
    };
    return runScript(this.#raw, codec, script, keys ?? {}, args ?? {}) as Promise<T>;
  }

  // --- fair and read-write locks ----------------------------------------------------------------

  async acquireFairLock(
    key: string,
    token: string,
    waiter: string,
    ttl: Duration,
    queueTtl: Duration,
  ): Promise<QueueGrant> {
    const keys = queueLockKeysOf(this.#key(key), this.keyPrefix);
    assertNonEmptyString(token, 'token');
    assertNonEmptyString(waiter, 'waiter');
    return this.#raw.acquireFairLock(keys, token, waiter, parseTtl(ttl), parseTtl(queueTtl, 'queueTtl'));
  }

  async acquireReadLock(key: string, token: string, ttl: Duration): Promise<QueueGrant> {
    const keys = queueLockKeysOf(this.#key(key), this.keyPrefix);
    assertNonEmptyString(token, 'token');
    return this.#raw.acquireReadLock(keys, token, parseTtl(ttl));
  }

  async acquireWriteLock(
    key: string,
    token: string,
    waiter: string,
    ttl: Duration,
    queueTtl: Duration,
  ): Promise<QueueGrant> {
    const keys = queueLockKeysOf(this.#key(key), this.keyPrefix);
    assertNonEmptyString(token, 'token');
    assertNonEmptyString(waiter, 'waiter');
    return this.#raw.acquireWriteLock(keys, token, waiter, parseTtl(ttl), parseTtl(queueTtl, 'queueTtl'));
  }

  async leaveLockQueue(key: string, waiter: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const keys = queueLockKeysOf(this.#key(key), this.keyPrefix);
    assertNonEmptyString(waiter, 'waiter');
    return this.#raw.leaveLockQueue(keys, waiter, this.#releaseNotice(options));
  }

  async releaseReadLock(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const { readers } = queueLockKeysOf(this.#key(key), this.keyPrefix);
    assertNonEmptyString(token, 'token');
    return this.#raw.releaseSemaphore(readers, token, this.#releaseNotice(options));
  }

  async extendReadLock(key: string, token: string, ttl: Duration): Promise<boolean> {
    const { readers } = queueLockKeysOf(this.#key(key), this.keyPrefix);
    assertNonEmptyString(token, 'token');
    return this.#raw.extendSemaphore(readers, token, parseTtl(ttl));
  }

  async waitForReplicas(key: string, replicas: number, timeout: Duration): Promise<number> {
    const fullKey = this.#key(key);
    assertIntegerAtLeast(replicas, 0, 'replicas');
    return this.#raw.waitForReplicas(fullKey, replicas, parseTtl(timeout, 'timeout'));
  }

  // --- lifecycle --------------------------------------------------------------------------------

  async ping(): Promise<number> {
    const started = performance.now();
    await this.#raw.ping();
    return performance.now() - started;
  }

  async flushdb(): Promise<void> {
    if (!this.#allowFlush) {
      throw new ForbiddenOperationError(
        'flushdb() deletes every key in the database; create the repository with allowFlush: true to allow it',
      );
    }
    await this.#raw.flushdb();
  }

  // --- helpers ----------------------------------------------------------------------------------

  #key(key: string, argument = 'key'): string {
    assertKey(key, argument);
    return this.keyPrefix + key;
  }

  #keys(keys: readonly string[]): string[] {
    this.#assertArray(keys, 'keys');
    assertNotEmpty(keys, 'keys');
    return keys.map((key) => this.#key(key, 'keys[]'));
  }

  #field(field: string): string {
    if (typeof field !== 'string') throw new InvalidArgumentError('field', 'expected a string');
    assertWellFormed(field, 'field');
    return field;
  }

  /** The validated announcement of a release, or `undefined` when none was asked for. */
  #releaseNotice(options: CompareAndDeleteOptions | undefined): ReleaseNotice | undefined {
    assertOptions(options, { notify: 'string', sharded: 'boolean', handoff: 'duration' });
    if (options?.notify === undefined) {
      if (options?.handoff !== undefined) {
        throw new InvalidArgumentError(
          'options.handoff',
          'a handoff needs `notify`: it serves the waiters told',
        );
      }
      return undefined;
    }
    return {
      channel: this.#channel(options.notify, 'options.notify'),
      sharded: options.sharded === true,
      handoffMs: options.handoff === undefined ? 0 : parseDuration(options.handoff, 'options.handoff'),
    };
  }

  #channel(channel: string, argument = 'channel'): string {
    assertNonEmptyString(channel, argument);
    return this.keyPrefix + channel;
  }

  #assertArray(value: unknown, argument: string): void {
    if (!Array.isArray(value)) throw new InvalidArgumentError(argument, 'expected an array');
  }

  #assertRange(start: number, stop: number): void {
    assertInteger(start, 'start');
    assertInteger(stop, 'stop');
  }

  #limit(options: { offset?: number; count?: number } | undefined): RawLimit | undefined {
    if (options?.offset === undefined && options?.count === undefined) return undefined;
    const offset = options.offset ?? 0;
    const count = options.count ?? -1;
    assertIntegerAtLeast(offset, 0, 'options.offset');
    assertIntegerAtLeast(count, -1, 'options.count');
    return { offset, count };
  }

  #lexBound(bound: LexBound, argument: string, key: string): RawLexBound {
    if (bound === '-' || bound === '+') return bound;
    if (bound === null || typeof bound !== 'object' || !('value' in bound)) {
      throw new InvalidArgumentError(argument, "expected '-', '+' or { value, exclusive? }");
    }
    return { value: this.#encode(bound.value, key), exclusive: bound.exclusive === true };
  }

  #scanCount(options: { count?: number } | undefined): number {
    const count = options?.count ?? DEFAULT_SCAN_COUNT;
    assertIntegerAtLeast(count, 1, 'options.count');
    return count;
  }

  #setOptions(options: SetOptions): RawSetOptions {
    assertOptions(options, SET_OPTIONS);
    if (options.nx && options.xx) throw new InvalidArgumentError('options', 'nx and xx are exclusive');
    if (options.keepTtl && options.ttl !== undefined) {
      throw new InvalidArgumentError('options', 'keepTtl and ttl are exclusive');
    }
    return {
      ...(options.ttl === undefined ? {} : { px: parseTtl(options.ttl, 'options.ttl') }),
      ...(options.nx ? { nx: true } : {}),
      ...(options.xx ? { xx: true } : {}),
      ...(options.keepTtl ? { keepTtl: true } : {}),
    };
  }

  #scanArguments(pattern: string, options: ScanOptions | undefined, defaultCount = DEFAULT_SCAN_COUNT) {
    assertNonEmptyString(pattern, 'pattern');
    assertOptions(options, SCAN_OPTIONS);
    const count = options?.count ?? defaultCount;
    assertIntegerAtLeast(count, 1, 'options.count');
    const type = options?.type;
    if (type !== undefined && !KEY_TYPES.has(type)) {
      throw new InvalidArgumentError('options.type', `expected one of ${[...KEY_TYPES].join(', ')}`);
    }
    return { match: this.#prefixPattern + pattern, count, type };
  }

  #encode(value: unknown, key: string | undefined): RawValue {
    let encoded: unknown;
    try {
      encoded = this.serializer.serialize(value);
    } catch (error) {
      throw toSerializationError(error, `cannot serialize value with ${this.serializer.name}`, key);
    }
    if (typeof encoded !== 'string' && !(encoded instanceof Uint8Array)) {
      throw new SerializationError(`${this.serializer.name} cannot represent ${typeof value}`, { key });
    }
    return encoded;
  }

  #encodeList(values: readonly unknown[], key: string, argument = 'values'): RawValue[] {
    assertNotEmpty(values, argument);
    return values.map((value) => this.#encode(value, key));
  }

  #encodeEntries(
    entries: EntriesInput,
    argument: string,
    name: (name: string) => string,
    key?: string,
    check?: (name: string, value: unknown) => void,
  ): Array<readonly [string, RawValue]> {
    if (entries === null || typeof entries !== 'object') {
      throw new InvalidArgumentError(argument, 'expected an object, a Map or [name, value] pairs');
    }
    const source = Symbol.iterator in entries ? entries : Object.entries(entries);
    const out: Array<readonly [string, RawValue]> = [];
    for (const entry of source as Iterable<readonly [string, unknown]>) {
      if (!Array.isArray(entry)) throw new InvalidArgumentError(argument, 'expected [name, value] pairs');
      const entryName = name(entry[0]);
      check?.(entryName, entry[1]);
      out.push([entryName, this.#encode(entry[1], key ?? entry[0])]);
    }
    return out;
  }

  #decode(value: RawValue, key: string | undefined): unknown {
    try {
      return this.serializer.deserialize(value);
    } catch (error) {
      throw toSerializationError(error, `cannot deserialize stored value with ${this.serializer.name}`, key);
    }
  }

  #decodeOrNull<T>(value: RawValue | null, key: string): T | null {
    return value === null ? null : (this.#decode(value, key) as T);
  }

  #decodeAll<T>(values: readonly RawValue[], key: string | undefined): T[] {
    return values.map((value) => this.#decode(value, key) as T);
  }

  #decodeScored<T>(entries: readonly RawScored[], key: string): ScoredMember<T>[] {
    return entries.map(([member, score]) => ({ member: this.#decode(member, key) as T, score }));
  }
}

/** The repository a transaction's `build` queues on: the same semantics over a recording backend. */
class QueuedCacheRepository extends BaseCacheRepository {
  constructor(raw: RawCommands, options: BaseCacheRepositoryOptions) {
    super(raw, options);
  }

  get status(): ConnectionStatus {
    return 'ready';
  }

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}
}
