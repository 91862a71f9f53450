import {
  type CacheRepository,
  type Clock,
  type Duration,
  describeValue,
  InvalidArgumentError,
  InvalidConfigError,
  type LockBackend,
  parseDuration,
  parseTtl,
} from '@forno/core';
import type { InvalidationSource } from './bus/invalidation-source.js';

/** `'local'`: one factory run per key per process; `'distributed'`: one across every process. */
export type StampedeMode = 'local' | 'distributed';

/**
 * How an entry is cached and refreshed. Given to the constructor they are the defaults; given to a
 * call (`getOrSet`, `getOrSetMany`, `set`) they apply to that call.
 */
export interface EntryOptions {
  /** How long a value is fresh. Default `'10m'`. */
  readonly ttl?: Duration;
  /** How long past its TTL a value is kept and served when the factory fails or the repository is down (fail-safe). Default off. */
  readonly grace?: Duration | false;
  /** After a factory failure answered from grace, how long the stale value is served before the factory is tried again. Default `'10s'`. */
  readonly graceBackoff?: Duration;
  /** Soft timeout: when a stale value exists and the factory is slower, answer stale and let the factory finish in the background. Default off. */
  readonly timeout?: Duration | false;
  /** The factory is abandoned (its `signal` aborted) after this long. Default off. */
  readonly hardTimeout?: Duration | false;
  /** A hit after this share of the TTL (0 < r < 1) refreshes in the background. Default off. */
  readonly eagerRefresh?: number | false;
  /** TTLs are spread by up to ± this share (0 ≤ j < 1), so entries written together do not expire together. Default `0`. */
  readonly jitter?: number;
  /** Stampede protection. Default `'local'`. */
  readonly stampede?: StampedeMode;
  /** With `stampede: 'distributed'`, how long a process waits for another process's factory before running its own. Default `'5s'`. */
  readonly lockTimeout?: Duration;
  /** Tags of the entry, for `deleteByTag` / `expireByTag`. */
  readonly tags?: readonly string[];
}

/** Options of the in-process layer (L1). */
export interface L1Options {
  /** Most entries kept; the least recently used go first. Default `10_000`. */
  readonly maxEntries?: number;
  /** Longest time an L1 entry is trusted without asking L2: bounds staleness if an invalidation is lost. Default `'1m'`. */
  readonly maxTtl?: Duration;
}

/** Options of the invalidation bus. */
export interface BusOptions {
  /** Every this long a quiet process publishes a heartbeat; a message missing for that long resets L1. Default `'1s'`. */
  readonly heartbeat?: Duration;
}

/** Options of {@link HybridCache}. */
export interface HybridCacheOptions extends Omit<EntryOptions, 'tags'> {
  /**
   * The L2: a `CacheRepository` that is also a `LockBackend`, as every Forno backend and decorator
   * is (its pub/sub carries the invalidation bus, its locks `stampede: 'distributed'`). Omit for an
   * in-process cache only. The cache never closes it.
   */
  readonly repository?: CacheRepository & LockBackend;
  /** Entries live under `<repository prefix><namespace>:`. Default `'cache'`. */
  readonly namespace?: string;
  /** The in-process layer, or `false` for none. */
  readonly l1?: L1Options | false;
  /** The invalidation bus on the repository's pub/sub, or `false` for none (L1 then relies on `l1.maxTtl`). */
  readonly bus?: BusOptions | false;
  /** An external source of invalidations (e.g. server-assisted client tracking) used instead of the bus. */
  readonly invalidation?: InvalidationSource;
  /** How long tag invalidations are remembered; tagged entries never live longer. Default `'30d'`. */
  readonly tagRetention?: Duration;
  /** Wall-clock time for TTLs and grace (a `ManualClock` in tests). Default: `Date.now()`. */
  readonly clock?: Clock;
}

/** {@link EntryOptions} with defaults applied and durations in milliseconds (0 = off). */
export interface ResolvedEntryOptions {
  readonly ttlMs: number;
  readonly graceMs: number;
  readonly graceBackoffMs: number;
  readonly timeoutMs: number;
  readonly hardTimeoutMs: number;
  readonly eagerRefresh: number;
  readonly jitter: number;
  readonly stampede: StampedeMode;
  readonly lockTimeoutMs: number;
  readonly tags: readonly string[];
}

/** The defaults of every entry option. */
export const ENTRY_DEFAULTS: ResolvedEntryOptions = Object.freeze({
  ttlMs: 600_000,
  graceMs: 0,
  graceBackoffMs: 10_000,
  timeoutMs: 0,
  hardTimeoutMs: 0,
  eagerRefresh: 0,
  jitter: 0,
  stampede: 'local',
  lockTimeoutMs: 5_000,
  tags: Object.freeze([]) as readonly string[],
});

type Kind = 'config' | 'argument';

const ENTRY_NAMES = new Set([
  'ttl',
  'grace',
  'graceBackoff',
  'timeout',
  'hardTimeout',
  'eagerRefresh',
  'jitter',
  'stampede',
  'lockTimeout',
  'tags',
]);

/** Parsed duration strings: per-call options are parsed on every call, and `'1h'` parses the same each time. */
const parsed = new Map<string, number>();

function error(kind: Kind, argument: string, message: string, cause?: unknown): InvalidArgumentError {
  const options = cause === undefined ? undefined : { cause };
  return kind === 'config'
    ? new InvalidConfigError(argument, message, options)
    : new InvalidArgumentError(argument, message, options);
}

/** Milliseconds of a duration option; `positive` refuses 0 (a TTL). */
export function durationOf(value: unknown, argument: string, kind: Kind, positive: boolean): number {
  const memo = typeof value === 'string' ? parsed.get(value) : undefined;
  if (memo !== undefined && (memo > 0 || !positive)) return memo;
  try {
    const ms = positive ? parseTtl(value as Duration, argument) : parseDuration(value as Duration, argument);
    if (typeof value === 'string' && parsed.size < 1_000) parsed.set(value, ms);
    return ms;
  } catch (cause) {
    throw error(
      kind,
      argument,
      `expected ${positive ? 'a positive' : 'a'} duration (milliseconds, or a string like '500ms', '30s', '10m'), got ${describeValue(value)}`,
      cause,
    );
  }
}

function ratio(value: unknown, argument: string, kind: Kind, min: number, inclusive: boolean): number {
  if (typeof value !== 'number' || !(inclusive ? value >= min : value > min) || !(value < 1)) {
    throw error(
      kind,
      argument,
      `expected a number ${inclusive ? '>=' : '>'} ${min} and < 1, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Validates tags: an array of non-empty strings, without duplicates. */
export function tagsOf(value: unknown, argument: string, kind: Kind): readonly string[] {
  if (!Array.isArray(value))
    throw error(kind, argument, `expected an array of tags, got ${describeValue(value)}`);
  for (const [i, tag] of value.entries()) {
    if (typeof tag !== 'string' || tag.length === 0) {
      throw error(kind, `${argument}[${i}]`, `expected a non-empty string, got ${describeValue(tag)}`);
    }
  }
  return value.length === 0 ? ENTRY_DEFAULTS.tags : Object.freeze([...new Set(value as string[])]);
}

/**
 * Applies `input` over `base`, validating every field: per-call options throw
 * `InvalidArgumentError`, constructor options `InvalidConfigError`, both naming `options.<field>`. Unknown fields are refused (a typo like `tll` would otherwise be ignored).
 */
export function resolveEntryOptions(
  input: unknown,
  base: ResolvedEntryOptions,
  kind: Kind,
  known: ReadonlySet<string> = ENTRY_NAMES,
): ResolvedEntryOptions {
  if (input === undefined) return base;
  const at = (name: string) => `options.${name}`;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw error(kind, 'options', `expected an object, got ${describeValue(input)}`);
  }
  const out = { ...base } as { -readonly [K in keyof ResolvedEntryOptions]: ResolvedEntryOptions[K] };
  for (const name in input) {
    if (!Object.hasOwn(input, name)) continue;
    const value = (input as Record<string, unknown>)[name];
    if (!known.has(name)) throw error(kind, at(name), `unknown option (known: ${[...known].join(', ')})`);
    if (value === undefined || !ENTRY_NAMES.has(name)) continue;
    switch (name) {
      case 'ttl':
        out.ttlMs = durationOf(value, at(name), kind, true);
        break;
      case 'grace':
        out.graceMs = value === false ? 0 : durationOf(value, at(name), kind, false);
        break;
      case 'graceBackoff':
        out.graceBackoffMs = durationOf(value, at(name), kind, false);
        break;
      case 'timeout':
        out.timeoutMs = value === false ? 0 : durationOf(value, at(name), kind, false);
        break;
      case 'hardTimeout':
        out.hardTimeoutMs = value === false ? 0 : durationOf(value, at(name), kind, true);
        break;
      case 'eagerRefresh':
        out.eagerRefresh = value === false ? 0 : ratio(value, at(name), kind, 0, false);
        break;
      case 'jitter':
        out.jitter = ratio(value, at(name), kind, 0, true);
        break;
      case 'stampede':
        if (value !== 'local' && value !== 'distributed') {
          throw error(kind, at(name), `expected 'local' or 'distributed', got ${describeValue(value)}`);
        }
        out.stampede = value;
        break;
      case 'lockTimeout':
        out.lockTimeoutMs = durationOf(value, at(name), kind, false);
        break;
      case 'tags':
        out.tags = tagsOf(value, at(name), kind);
        break;
    }
  }
  return out;
}

/** The option names a constructor accepts. */
export const CONSTRUCTOR_NAMES: ReadonlySet<string> = new Set([
  ...[...ENTRY_NAMES].filter((name) => name !== 'tags'),
  'repository',
  'namespace',
  'l1',
  'bus',
  'invalidation',
  'tagRetention',
  'clock',
]);

/** The option names `set` accepts. */
export const SET_NAMES: ReadonlySet<string> = new Set(['ttl', 'grace', 'jitter', 'tags']);
