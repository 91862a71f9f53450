import { type Duration, parseTtl } from '@forno/core';
import type { RepositoryCommand } from '@forno/core/backend';

/** A command the table classifies: every `CacheRepository` command (see `RepositoryCommand`). */
export type CommandName = RepositoryCommand;

/**
 * How `ResilientCacheRepository` runs a command:
 *
 * - `read`: retry, breaker and timeout; on an outage error the fallback mirror answers if it can.
 * - `write`: an idempotent write (repeating it leaves the same state): retry, breaker and timeout.
 * - `unsafe`: a write that must not be repeated (increments, pushes, pops, conditional sets, lock
 *   acquisition, publish): breaker and timeout, never retried.
 * - `breaker`: a multi-round command whose duration grows with the data (`deletePattern`): breaker
 *   only; each of its round trips is bounded by the inner repository's own command timeout.
 * - `timeout`: lifecycle commands (`ping`, `flushdb`): the timeout only, so a health check sees the
 *   backend as it is rather than the circuit's opinion of it.
 * - `direct`: forwarded untouched (`subscribe`, whose subscription outlives any single call).
 */
export type CommandPolicy = 'read' | 'write' | 'unsafe' | 'breaker' | 'timeout' | 'direct';

/** A value a write stored, known once the backend acknowledged it: the mirror keeps it for `get`. */
export interface AcknowledgedValue {
  /** The key written, relative to the prefix. */
  readonly key: string;
  /** The value as the caller passed it (the runner passes it through the serializer and back). */
  readonly value: unknown;
  /** The TTL the value was written with, in ms; `undefined` for none or unknown. */
  readonly ttlMs: number | undefined;
}

/** One row of the table. */
export interface CommandSpec {
  /** The policy, or a function choosing it from the arguments (`set` with `nx` is not idempotent). */
  readonly policy: CommandPolicy | ((args: readonly unknown[]) => CommandPolicy);
  /** Keys the command reads or changes, relative to the prefix. Default: the first argument. */
  readonly keys?: (args: readonly unknown[]) => readonly string[];
  /** Reads: the result is kept in the fallback mirror, per key and arguments. */
  readonly mirrored?: boolean;
  /** `mget`: the result is one `get` per key, mirrored (and served) as such. */
  readonly perKeyGet?: boolean;
  /** Writes of values (`set`, `mset`): what the backend stored, once it acknowledged. */
  readonly stored?: (args: readonly unknown[], result: unknown) => readonly AcknowledgedValue[];
  /** Rewrites arguments before anything reads them, e.g. one-shot iterables into arrays. */
  readonly normalize?: (args: unknown[]) => unknown[];
  /** The command changes keys matching the glob pattern in its first argument (`deletePattern`). */
  readonly pattern?: boolean;
  /** The command changes every key (`flushdb`). */
  readonly everything?: boolean;
}

const READ: CommandSpec = { policy: 'read', mirrored: true };
const READ_UNMIRRORED: CommandSpec = { policy: 'read', keys: keyList };
const WRITE: CommandSpec = { policy: 'write' };
const UNSAFE: CommandSpec = { policy: 'unsafe' };
const NO_KEYS = (): readonly string[] => [];

/**
 * Every command, classified. Reads of one key are mirrored, except `ttl` (a remaining time is
 * stale the moment it is read). Multi-key set algebra (`sinter`…) is retried but not mirrored.
 */
export const COMMANDS = {
  get: READ,
  set: { policy: (args) => (option(args[2], 'nx') ? 'unsafe' : 'write'), stored: storedBySet },
  mget: { policy: 'read', keys: keyList, perKeyGet: true },
  mset: { policy: 'write', keys: entryKeys, normalize: normalizeEntries, stored: storedByMset },
  delete: { policy: 'write', keys: stringArguments },
  deletePattern: { policy: 'breaker', keys: NO_KEYS, pattern: true },
  exists: READ,
  expire: WRITE,
  ttl: { policy: 'read' },
  persist: WRITE,
  incrby: UNSAFE,

  hset: WRITE,
  hget: READ,
  hgetall: READ,
  hdel: WRITE,
  hincrby: UNSAFE,
  hexists: READ,
  hkeys: READ,
  hlen: READ,

  lpush: UNSAFE,
  rpush: UNSAFE,
  lpop: UNSAFE,
  rpop: UNSAFE,
  lrange: READ,
  llen: READ,
  // `ltrim(key, 1, -1)` drops the head each time it runs: not idempotent in general.
  ltrim: UNSAFE,

  sadd: WRITE,
  srem: WRITE,
  smembers: READ,
  sismember: READ,
  scard: READ,
  sinter: READ_UNMIRRORED,
  sunion: READ_UNMIRRORED,
  sdiff: READ_UNMIRRORED,
  sinterstore: WRITE,
  sunionstore: WRITE,

  zadd: WRITE,
  zrange: READ,
  zrevrange: READ,
  zrangebyscore: READ,
  zrem: WRITE,
  zincrby: UNSAFE,
  // `zremrangebyrank(key, 0, 0)` removes the lowest member each time it runs.
  zremrangebyrank: UNSAFE,
  zscore: READ,
  zcard: READ,
  zpopmin: UNSAFE,
  zpopmax: UNSAFE,

  setIfAbsent: UNSAFE,
  compareAndDelete: WRITE,
  compareAndExpire: UNSAFE,
  acquireSemaphore: UNSAFE,
  releaseSemaphore: WRITE,
  extendSemaphore: UNSAFE,

  publish: { policy: 'unsafe', keys: NO_KEYS },
  subscribe: { policy: 'direct', keys: NO_KEYS },
  ping: { policy: 'timeout', keys: NO_KEYS },
  flushdb: { policy: 'timeout', keys: NO_KEYS, everything: true },
} satisfies Record<CommandName, CommandSpec>;

/** Names of every command in {@link COMMANDS}. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as readonly CommandName[];

/** The policy of a call, resolved from its arguments. */
export function policyOf(spec: CommandSpec, args: readonly unknown[]): CommandPolicy {
  return typeof spec.policy === 'function' ? spec.policy(args) : spec.policy;
}

/** The keys a call touches; anything that is not a string is left out (the backend rejects it). */
export function keysOf(spec: CommandSpec, args: readonly unknown[]): readonly string[] {
  if (spec.keys) return spec.keys(args);
  return typeof args[0] === 'string' ? [args[0]] : [];
}

function keyList(args: readonly unknown[]): readonly string[] {
  return Array.isArray(args[0]) ? args[0].filter((key): key is string => typeof key === 'string') : [];
}

/** The keys of `delete(...keys)` or `delete(keys)`. */
function stringArguments(args: readonly unknown[]): readonly string[] {
  return args.flat().filter((key): key is string => typeof key === 'string');
}

function option(options: unknown, name: string): unknown {
  return typeof options === 'object' && options !== null
    ? (options as Record<string, unknown>)[name]
    : undefined;
}

function ttlOf(options: unknown): number | undefined {
  const ttl = option(options, 'ttl');
  if (ttl === undefined) return undefined;
  try {
    return parseTtl(ttl as Duration);
  } catch {
    return undefined;
  }
}

/** `mset` entries as an array of pairs, so they can be read here and still be sent. */
function normalizeEntries(args: unknown[]): unknown[] {
  const [entries, ...rest] = args;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return args;
  if (Symbol.iterator in entries) return [Array.from(entries as Iterable<unknown>), ...rest];
  return args;
}

function entryPairs(entries: unknown): ReadonlyArray<readonly [string, unknown]> {
  if (typeof entries !== 'object' || entries === null) return [];
  const pairs: unknown[] = Array.isArray(entries) ? entries : Object.entries(entries);
  return pairs.filter(
    (pair): pair is readonly [string, unknown] => Array.isArray(pair) && typeof pair[0] === 'string',
  );
}

function entryKeys(args: readonly unknown[]): readonly string[] {
  return entryPairs(args[0]).map(([key]) => key);
}

function storedBySet(args: readonly unknown[], result: unknown): readonly AcknowledgedValue[] {
  if (result !== true || typeof args[0] !== 'string') return [];
  return [{ key: args[0], value: args[1], ttlMs: ttlOf(args[2]) }];
}

function storedByMset(args: readonly unknown[]): readonly AcknowledgedValue[] {
  const ttlMs = ttlOf(args[1]);
  return entryPairs(args[0]).map(([key, value]) => ({ key, value, ttlMs }));
}
