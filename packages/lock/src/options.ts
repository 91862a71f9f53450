import {
  assertKnownOptions,
  type CacheEventEmitter,
  type Clock,
  type Duration,
  describeValue,
  durationOption,
  InvalidConfigError,
  type LockBackend,
  strategyOption,
  systemClock,
  ttlOption,
} from '@forno/core';
import { driftOf } from './lease.js';
import { type LeaseStore, ReplicatedStore } from './lease-store.js';

/** Options of {@link DistributedLock} (and, with `limit`, of {@link DistributedSemaphore}). */
export interface DistributedLockOptions extends DurabilityOptions {
  /**
   * The lease: how long the lock stays held if its holder stops renewing it (crash, pause,
   * partition). With `autoExtend` it is renewed every third of this while held. Default `'30s'`.
   */
  readonly timeout?: Duration;
  /** How long `acquire()` waits for the lock before `LockTimeoutError`. `0` tries once. Default `'10s'`. */
  readonly waitTimeout?: Duration;
  /**
   * Fallback re-check period while waiting. Waiters wake on the release message; this (capped by
   * the holder's remaining lease) only bounds what a lost message costs. Default `'100ms'`.
   */
  readonly retryDelay?: Duration;
  /** Up to this much random time is added to each re-check, so waiters do not stampede. Default `'50ms'`. */
  readonly retryJitter?: Duration;
  /** Renew the lease in the background while held (one process-wide timer). Default `true`. */
  readonly autoExtend?: boolean;
  /** Cancels waiting: `acquire()` rejects with `signal.reason` once it aborts. */
  readonly signal?: AbortSignal;
  /** Share of the lease kept back for clock drift (`lease × driftFactor + 2 ms`). Default `0.01`. */
  readonly driftFactor?: number;
  /** Clock for local deadlines (its `monotonic()`). Default: `performance.now()`. */
  readonly clock?: Clock;
  /** Emitter that receives `lock` events; share one between locks to observe them all. */
  readonly events?: CacheEventEmitter;
  /**
   * Issue a fencing token with each grant (`DistributedLock` only). Default `true`. Its last token
   * is a key beside the lock that expires with the lease: turn fencing off where the lock only
   * saves work and protects no resource (`@forno/cache`'s stampede protection), to skip that key.
   * `fencingToken` is then `0`.
   */
  readonly fencing?: boolean;
}

/** Options with defaults applied and durations in ms. */
export interface ResolvedLockOptions {
  readonly leaseMs: number;
  readonly waitTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly retryJitterMs: number;
  readonly autoExtend: boolean;
  readonly signal: AbortSignal | undefined;
  readonly driftFactor: number;
  readonly clock: Clock;
  readonly events: CacheEventEmitter | undefined;
}

const KNOWN = [
  'timeout',
  'waitTimeout',
  'retryDelay',
  'retryJitter',
  'autoExtend',
  'signal',
  'driftFactor',
  'clock',
  'events',
];

/**
 * Validates options with core's option resolver (an `InvalidConfigError` naming `options.<field>`)
 * and applies defaults. `extra` names the further options the caller accepts and checks itself.
 */
export function resolveLockOptions(
  options: DistributedLockOptions,
  extra: ReadonlySet<string> = new Set(),
): ResolvedLockOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidConfigError('options', `expected an options object, got ${describeValue(options)}`);
  }
  assertKnownOptions(options, [...KNOWN, ...extra]);
  const leaseMs = ttlOption(options.timeout ?? '30s', 'timeout')!;
  const driftFactor = options.driftFactor ?? 0.01;
  if (typeof driftFactor !== 'number' || !(driftFactor >= 0 && driftFactor < 0.5)) {
    throw new InvalidConfigError(
      'options.driftFactor',
      `expected a number in [0, 0.5), got ${describeValue(driftFactor)}`,
    );
  }
  if (options.autoExtend !== undefined && typeof options.autoExtend !== 'boolean') {
    throw new InvalidConfigError(
      'options.autoExtend',
      `expected a boolean, got ${describeValue(options.autoExtend)}`,
    );
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidConfigError(
      'options.signal',
      `expected an AbortSignal, got ${describeValue(options.signal)}`,
    );
  }
  if (leaseMs <= driftOf(leaseMs, driftFactor)) {
    throw new InvalidConfigError(
      'options.timeout',
      `a ${leaseMs} ms lease leaves no validity after the drift allowance`,
    );
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.monotonic !== 'function') {
    throw new InvalidConfigError('options.clock', 'expected a Clock with monotonic()');
  }
  const events = strategyOption<CacheEventEmitter>(options.events, 'events', ['emit']);
  return {
    leaseMs,
    waitTimeoutMs: durationOption(options.waitTimeout, 'waitTimeout', '10s'),
    retryDelayMs: Math.max(1, durationOption(options.retryDelay, 'retryDelay', '100ms')),
    retryJitterMs: durationOption(options.retryJitter, 'retryJitter', '50ms'),
    autoExtend: options.autoExtend ?? true,
    signal: options.signal,
    driftFactor,
    clock,
    events,
  };
}

/** How far a grant must have travelled before `acquire()` returns it. */
export type LockDurability = 'primary' | 'replicated';

/** Options of every lock that issues fencing tokens ({@link DistributedLock}, `FairLock`, `ReadWriteLock`). */
export interface DurabilityOptions {
  /**
   * `'primary'` (default): a grant is confirmed by the primary alone. Redis replicates
   * asynchronously, so a failover right after a grant may lose it: a second holder can then get
   * the lock while the first still works. Fencing tokens still increase as long as the new
   * primary's clock is not behind (tokens are max(last + 1, server time in µs)).
   *
   * `'replicated'`: `acquire()` returns only once at least one replica acknowledged the grant
   * (`WAIT 1 replicationTimeout`), so the grant and its token survive a Sentinel or Cluster
   * failover (which promotes the most up-to-date replica). Costs one more round trip plus the
   * replication delay per acquisition. If no replica confirms in time, the grant is handed back and
   * `acquire()` rejects with {@link LockNotReplicatedError}.
   */
  readonly durability?: LockDurability;
  /** How long `'replicated'` waits for a replica (below the repository's `commandTimeout`). Default `'500ms'`. */
  readonly replicationTimeout?: Duration;
}

/** Option names that {@link resolveDurability} consumes (kept out of the common option check). */
export const DURABILITY_OPTIONS = new Set(['durability', 'replicationTimeout']);

/** Applies a lock's durability to its store (see {@link resolveDurability}). */
export type ApplyDurability = (store: LeaseStore, repository: LockBackend) => LeaseStore;

/**
 * Validates `durability` and `replicationTimeout` (throwing `InvalidConfigError`) and returns what
 * wraps a store so that its grants wait for a replica under `'replicated'` (the store itself under
 * `'primary'`).
 */
export function resolveDurability(options: DurabilityOptions): ApplyDurability {
  const { durability = 'primary', replicationTimeout = '500ms' } = options;
  if (durability !== 'primary' && durability !== 'replicated') {
    throw new InvalidConfigError(
      'options.durability',
      `expected 'primary' or 'replicated', got ${describeValue(durability)}`,
    );
  }
  const timeoutMs = ttlOption(replicationTimeout, 'replicationTimeout')!;
  if (durability === 'primary') return (store) => store;
  return (store, repository) => new ReplicatedStore(store, repository, timeoutMs);
}
