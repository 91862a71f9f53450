import { type Duration, parseTtl } from '../duration.js';
import type { CacheRepository } from './cache-repository.js';
import type { RawCommandName } from './raw-commands.js';

/**
 * A command of the repository: every `CacheRepository` method that talks to the backend
 * (`connect`, `disconnect` and the `keyPrefix`/`serializer`/`status` properties are not commands).
 */
export type CommandName = Exclude<
  keyof CacheRepository,
  'keyPrefix' | 'serializer' | 'status' | 'connect' | 'disconnect'
>;

/**
 * What a command does to the data:
 * - `read`: answers without changing anything;
 * - `write`: changes keys (or publishes a message);
 * - `server`: a round trip about the server itself (`ping`, `flushdb`), not cache traffic;
 * - `subscription`: `subscribe`, whose effect outlives the call.
 */
export type CommandAccess = 'read' | 'write' | 'server' | 'subscription';

/**
 * How the fallback mirror of `@forno/resilience` treats a command:
 * - `keep`: a read whose result is kept per key and arguments, and served during an outage;
 * - `keepPerKey`: `mget`, kept (and served) as one `get` per key;
 * - `forget`: a write that drops what is kept for its keys;
 * - `store`: a write of values (`set`, `mset`): drops its keys, then keeps what the backend acknowledged;
 * - `forgetPattern`: drops every key matching the glob pattern of the first argument (`deletePattern`);
 * - `forgetAll`: drops everything (`flushdb`);
 * - `none`: neither kept nor dropped.
 */
export type MirrorTreatment =
  | 'keep'
  | 'keepPerKey'
  | 'forget'
  | 'store'
  | 'forgetPattern'
  | 'forgetAll'
  | 'none';

/**
 * How instrumentation reports a command's outcome. Metrics time the raw commands a backend runs
 * (`instrumentRawCommands`): each raw command is reported under the first row of the
 * {@link COMMAND_TABLE} that sends it, with that row's kind (`unlink` as `delete`, `pexpire` as
 * `expire`, `zrangeWithScores` as `zrange`); a row whose raw commands an earlier row already sends
 * (`zrevrange`, `deletePattern`) is reported through them:
 * - `read`: a single-key read; `hit` when it returns a value, `miss` when it returns `null`;
 * - `hashRead`: `hgetall`; `hit` when the hash has fields, `miss` for a missing (empty) hash;
 * - `multiRead`: `mget`; `ok`, with `hits` and `misses` counted per key;
 * - `iterate`: `scan`; one `ok` (or `error`) event when the iteration ends, timed over all of it;
 * - `command`: anything else; `ok`;
 * - `none`: not reported (`ping`, `flushdb`: health checks are not cache traffic).
 * Every reported kind reports `error` (with the `CacheError`) when the command fails.
 */
export type MetricKind = 'read' | 'hashRead' | 'multiRead' | 'iterate' | 'command' | 'none';

/** A value a write stored, known once the backend acknowledged it: the fallback mirror keeps it for `get`. */
export interface AcknowledgedValue {
  /** The key written, relative to the prefix. */
  readonly key: string;
  /** The value as the caller passed it. */
  readonly value: unknown;
  /** The TTL the value was written with, in ms; `undefined` for none or unknown. */
  readonly ttlMs: number | undefined;
}

/** One row of the {@link COMMAND_TABLE}: everything a layer needs to know about a command. */
export interface CommandRow {
  /** What the command does to the data. */
  readonly access: CommandAccess;
  /**
   * Whether sending it twice (a retry after a lost reply) leaves the same data and the same answer.
   * A function of the arguments when options decide it: `set` with `nx` or `xx` is not idempotent
   * (a retry of an applied `SET NX` answers `false`). The repository's and the raw command's
   * arguments put those options at the same place, so one function reads both.
   */
  readonly idempotent: boolean | ((args: readonly unknown[]) => boolean);
  /** The raw commands (`RawCommands`) it sends. */
  readonly raw: readonly RawCommandName[];
  /** Keys it reads or changes, relative to the prefix (for Cluster slots and the mirror). Default: the first argument. */
  readonly keys?: (args: readonly unknown[]) => readonly string[];
  /** How the fallback mirror treats it. */
  readonly mirror: MirrorTreatment;
  /** How instrumentation reports it. */
  readonly metric: MetricKind;
  /** Its duration grows with the data (`deletePattern`): no single deadline fits it. */
  readonly unbounded?: boolean;
  /** `store` commands: the values the backend stored, once it acknowledged the call. */
  readonly stored?: (args: readonly unknown[], result: unknown) => readonly AcknowledgedValue[];
  /** Rewrites arguments before any layer reads them: one-shot iterables into arrays (`mset`). */
  readonly normalize?: (args: unknown[]) => unknown[];
}

const READ = { access: 'read', idempotent: true, mirror: 'keep', metric: 'command' } as const;
const WRITE = { access: 'write', idempotent: true, mirror: 'forget', metric: 'command' } as const;
/** A write that must not be repeated: increments, pushes, pops, lock acquisition. */
const UNSAFE = { access: 'write', idempotent: false, mirror: 'forget', metric: 'command' } as const;
const NO_KEYS = (): readonly string[] => [];

/**
 * Every repository command, classified once. The forwarding decorator, instrumentation, the
 * resilient repository's policies and fallback mirror, and the drivers' once-or-retry choice are
 * all read from here; adding a command means the interface method, one row here, one raw
 * implementation per backend, and contract tests.
 */
export const COMMAND_TABLE = {
  get: { ...READ, metric: 'read', raw: ['get'] },
  set: { ...WRITE, idempotent: isPlainSet, mirror: 'store', stored: storedBySet, raw: ['set'] },
  mget: { ...READ, keys: keyList, mirror: 'keepPerKey', metric: 'multiRead', raw: ['mget'] },
  mset: {
    ...WRITE,
    keys: entryKeys,
    mirror: 'store',
    stored: storedByMset,
    normalize: normalizeEntries,
    raw: ['mset'],
  },
  delete: { ...WRITE, keys: stringArguments, raw: ['unlink'] },
  scan: { ...READ, keys: NO_KEYS, mirror: 'none', metric: 'iterate', raw: ['scan'] },
  deletePattern: {
    ...WRITE,
    keys: NO_KEYS,
    mirror: 'forgetPattern',
    unbounded: true,
    raw: ['scan', 'unlink'],
  },
  exists: { ...READ, raw: ['exists'] },
  expire: { ...WRITE, raw: ['pexpire'] },
  // A remaining time is stale the moment it is read: never served from the mirror.
  ttl: { ...READ, mirror: 'none', raw: ['pttl'] },
  persist: { ...WRITE, raw: ['persist'] },
  incrby: { ...UNSAFE, raw: ['incrby'] },
  // A retried GETDEL of a deleted key answers null.
  getdel: { ...UNSAFE, metric: 'read', raw: ['getdel'] },
  // The value is not changed (only its TTL): nothing kept for it is stale.
  getex: { ...WRITE, mirror: 'none', metric: 'read', raw: ['getex'] },
  incrbyfloat: { ...UNSAFE, raw: ['incrbyfloat'] },

  hset: { ...WRITE, raw: ['hset'] },
  hget: { ...READ, metric: 'read', raw: ['hget'] },
  hgetall: { ...READ, metric: 'hashRead', raw: ['hgetall'] },
  hdel: { ...WRITE, raw: ['hdel'] },
  hincrby: { ...UNSAFE, raw: ['hincrby'] },
  hexists: { ...READ, raw: ['hexists'] },
  hkeys: { ...READ, raw: ['hkeys'] },
  hlen: { ...READ, raw: ['hlen'] },
  hincrbyfloat: { ...UNSAFE, raw: ['hincrbyfloat'] },
  hscan: { ...READ, mirror: 'none', metric: 'iterate', raw: ['hscan'] },

  lpush: { ...UNSAFE, raw: ['lpush'] },
  rpush: { ...UNSAFE, raw: ['rpush'] },
  lpop: { ...UNSAFE, raw: ['lpop'] },
  rpop: { ...UNSAFE, raw: ['rpop'] },
  lrange: { ...READ, raw: ['lrange'] },
  llen: { ...READ, raw: ['llen'] },
  // `ltrim(key, 1, -1)` drops the head each time it runs.
  ltrim: { ...UNSAFE, raw: ['ltrim'] },
  lmove: { ...UNSAFE, keys: twoKeys, raw: ['lmove'] },

  sadd: { ...WRITE, raw: ['sadd'] },
  srem: { ...WRITE, raw: ['srem'] },
  smembers: { ...READ, raw: ['smembers'] },
  sismember: { ...READ, raw: ['sismember'] },
  scard: { ...READ, raw: ['scard'] },
  sinter: { ...READ, keys: keyList, mirror: 'none', raw: ['sinter'] },
  sunion: { ...READ, keys: keyList, mirror: 'none', raw: ['sunion'] },
  sdiff: { ...READ, keys: keyList, mirror: 'none', raw: ['sdiff'] },
  sinterstore: { ...WRITE, raw: ['sinterstore'] },
  sunionstore: { ...WRITE, raw: ['sunionstore'] },
  sscan: { ...READ, mirror: 'none', metric: 'iterate', raw: ['sscan'] },

  zadd: { ...WRITE, raw: ['zadd'] },
  zrange: { ...READ, raw: ['zrange', 'zrangeWithScores'] },
  zrevrange: { ...READ, raw: ['zrange', 'zrangeWithScores'] },
  zrangebyscore: { ...READ, raw: ['zrangebyscore', 'zrangebyscoreWithScores'] },
  zrem: { ...WRITE, raw: ['zrem'] },
  zincrby: { ...UNSAFE, raw: ['zincrby'] },
  // `zremrangebyrank(key, 0, 0)` removes the lowest member each time it runs.
  zremrangebyrank: { ...UNSAFE, raw: ['zremrangebyrank'] },
  zscore: { ...READ, raw: ['zscore'] },
  zcard: { ...READ, raw: ['zcard'] },
  zpopmin: { ...UNSAFE, raw: ['zpopmin'] },
  zpopmax: { ...UNSAFE, raw: ['zpopmax'] },
  zrank: { ...READ, raw: ['zrank'] },
  zrevrank: { ...READ, raw: ['zrank'] },
  zcount: { ...READ, raw: ['zcount'] },
  zrangebylex: { ...READ, raw: ['zrangebylex'] },
  zscan: { ...READ, mirror: 'none', metric: 'iterate', raw: ['zscan'] },

  // Streams. A queue's state served stale would mislead: no read is kept by the mirror. A blocking
  // read polls for up to its `block` duration, so no single deadline fits it (`unbounded`).
  xadd: { ...UNSAFE, raw: ['xadd'] },
  xlen: { ...READ, mirror: 'none', raw: ['xlen'] },
  xrange: { ...READ, mirror: 'none', raw: ['xrange'] },
  xrevrange: { ...READ, mirror: 'none', raw: ['xrange'] },
  xdel: { ...WRITE, raw: ['xdel'] },
  xtrim: { ...WRITE, raw: ['xtrim'] },
  xread: { ...READ, mirror: 'none', unbounded: true, raw: ['xread', 'xrange'] },
  // A retried creation that was applied would answer `false` (the group exists).
  xgroupCreate: { ...UNSAFE, raw: ['xgroupCreate'] },
  // Delivers entries (and counts deliveries): a retry would deliver others or count twice.
  xreadgroup: { ...UNSAFE, unbounded: true, raw: ['xreadgroup'] },
  xack: { ...WRITE, raw: ['xack'] },
  xpending: { ...READ, mirror: 'none', raw: ['xpendingSummary', 'xpending'] },
  xautoclaim: { ...UNSAFE, raw: ['xautoclaim'] },

  // A retried acquisition or extension could report a lease this very client holds as taken.
  setIfAbsent: { ...UNSAFE, raw: ['setIfAbsent'] },
  compareAndDelete: { ...WRITE, raw: ['compareAndDelete'] },
  compareAndExpire: { ...UNSAFE, raw: ['compareAndExpire'] },
  acquireSemaphore: { ...UNSAFE, raw: ['acquireSemaphore'] },
  releaseSemaphore: { ...WRITE, raw: ['releaseSemaphore'] },
  extendSemaphore: { ...UNSAFE, raw: ['extendSemaphore'] },
  acquireFairLock: { ...UNSAFE, raw: ['acquireFairLock'] },
  acquireReadLock: { ...UNSAFE, raw: ['acquireReadLock'] },
  acquireWriteLock: { ...UNSAFE, raw: ['acquireWriteLock'] },
  leaveLockQueue: { ...WRITE, raw: ['leaveLockQueue'] },
  releaseReadLock: { ...WRITE, raw: ['releaseSemaphore'] },
  extendReadLock: { ...UNSAFE, raw: ['extendSemaphore'] },
  // WAIT counts the writes of the connection it is sent on: sent once, never on another connection.
  waitForReplicas: { ...UNSAFE, raw: ['waitForReplicas'] },
  publish: { ...UNSAFE, keys: NO_KEYS, mirror: 'none', raw: ['publish'] },
  subscribe: {
    access: 'subscription',
    idempotent: false,
    keys: NO_KEYS,
    mirror: 'none',
    metric: 'command',
    raw: ['subscribe'],
  },

  // The keys are unknown until `build` runs: the fallback mirror forgets everything it kept.
  transaction: {
    access: 'write',
    idempotent: false,
    keys: NO_KEYS,
    mirror: 'forgetAll',
    metric: 'command',
    raw: ['exec'],
  },
  watch: {
    access: 'write',
    idempotent: false,
    keys: keyList,
    mirror: 'forgetAll',
    metric: 'command',
    raw: ['watch'],
  },

  // A script declares whether a retry is safe (`readOnly`/`idempotent`); the first argument of
  // both `runScript` and the raw `evalScript` is the script. Its declared keys are forgotten.
  runScript: {
    access: 'write',
    idempotent: isRetryableScript,
    keys: scriptKeys,
    mirror: 'forget',
    metric: 'command',
    raw: ['evalScript'],
  },

  ping: { access: 'server', idempotent: true, keys: NO_KEYS, mirror: 'none', metric: 'none', raw: ['ping'] },
  flushdb: {
    access: 'server',
    idempotent: false,
    keys: NO_KEYS,
    mirror: 'forgetAll',
    metric: 'none',
    raw: ['flushdb'],
  },
} as const satisfies Record<CommandName, CommandRow>;

// Compile-time check: every raw command is sent by some row (so it has an idempotency).
type UnclassifiedRaw = Exclude<RawCommandName, (typeof COMMAND_TABLE)[CommandName]['raw'][number]>;
const everyRawCommandIsClassified: [UnclassifiedRaw] extends [never] ? true : UnclassifiedRaw = true;
void everyRawCommandIsClassified;

/** Names of every command of the {@link COMMAND_TABLE}, in table order. */
export const COMMAND_NAMES = Object.keys(COMMAND_TABLE) as readonly CommandName[];

/** The row of `name`. */
export function commandRow(name: CommandName): CommandRow {
  return COMMAND_TABLE[name];
}

/**
 * Whether a raw command called with `args` may be sent again after a lost reply: what a backend
 * reads to choose between sending once and retrying. Derived from the rows that send it.
 */
export function isIdempotent(name: RawCommandName, args: readonly unknown[]): boolean {
  const idempotent = RAW_IDEMPOTENCY.get(name);
  return typeof idempotent === 'function' ? idempotent(args) : idempotent === true;
}

/** Whether a repository command called with `args` may be sent again after a lost reply. */
export function isCommandIdempotent(name: CommandName, args: readonly unknown[]): boolean {
  const { idempotent } = commandRow(name);
  return typeof idempotent === 'function' ? idempotent(args) : idempotent;
}

/** The keys a call touches; anything that is not a string is left out (the backend rejects it). */
export function keysOfCall(name: CommandName, args: readonly unknown[]): readonly string[] {
  const { keys } = commandRow(name);
  if (keys) return keys(args);
  return typeof args[0] === 'string' ? [args[0]] : [];
}

const RAW_IDEMPOTENCY = rawIdempotency();

/** Each raw command's idempotency; a raw command two rows send is idempotent only if both say so. */
function rawIdempotency(): Map<RawCommandName, CommandRow['idempotent']> {
  const byRaw = new Map<RawCommandName, CommandRow['idempotent']>();
  for (const name of COMMAND_NAMES) {
    const row = commandRow(name);
    for (const raw of row.raw) {
      const known = byRaw.get(raw);
      if (known === undefined || row.idempotent === false) byRaw.set(raw, row.idempotent);
    }
  }
  return byRaw;
}

/** A script that says it may run twice (`readOnly` or `idempotent`). */
function isRetryableScript(args: readonly unknown[]): boolean {
  return option(args[0], 'retryable') === true;
}

/** The keys of `runScript(script, keys)`, in the script's `KEYS` order. */
function scriptKeys(args: readonly unknown[]): readonly string[] {
  const names = option(args[0], 'keys');
  const keys = args[1];
  if (!Array.isArray(names) || typeof keys !== 'object' || keys === null) return [];
  return names
    .map((name) => (keys as Record<string, unknown>)[name as string])
    .filter((key): key is string => typeof key === 'string');
}

/** `set` without `nx`/`xx`: the options are the third argument of both `set`s. */
function isPlainSet(args: readonly unknown[]): boolean {
  return !option(args[2], 'nx') && !option(args[2], 'xx');
}

function keyList(args: readonly unknown[]): readonly string[] {
  return Array.isArray(args[0]) ? args[0].filter((key): key is string => typeof key === 'string') : [];
}

/** The first two arguments, when they are keys (`lmove(source, destination, ...)`). */
function twoKeys(args: readonly unknown[]): readonly string[] {
  return args.slice(0, 2).filter((key): key is string => typeof key === 'string');
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

/** `mset` entries as an array of pairs, so they can be read by a layer and still be sent. */
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
